/**
 * Every occurrence of many strings in one text, in one pass (Aho–Corasick). Redaction uses it when a
 * message holds many secrets: one `indexOf` scan per value would make a hostile body of thousands of
 * "password: …" lines quadratic.
 */
export interface Occurrence {
  /** Index of the needle in the list given to `createMultiSearch`. */
  needle: number;
  start: number;
  end: number;
}

export interface MultiSearch {
  find(text: string): Occurrence[];
}

export function createMultiSearch(needles: readonly string[]): MultiSearch {
  const next: Map<number, number>[] = [new Map()];
  const fail: number[] = [0];
  // Needles ending exactly at a node, and the nearest node along the failure chain that ends some needle.
  const own: number[][] = [[]];
  const dictionary: number[] = [-1];

  needles.forEach((needle, index) => {
    if (needle === '') return;
    let state = 0;
    for (let k = 0; k < needle.length; k++) {
      const code = needle.charCodeAt(k);
      let target = next[state]!.get(code);
      if (target === undefined) {
        target = next.length;
        next.push(new Map());
        fail.push(0);
        own.push([]);
        dictionary.push(-1);
        next[state]!.set(code, target);
      }
      state = target;
    }
    own[state]!.push(index);
  });

  const queue: number[] = [...next[0]!.values()];
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head]!;
    for (const [code, target] of next[state]!) {
      let f = fail[state]!;
      while (f !== 0 && !next[f]!.has(code)) f = fail[f]!;
      const candidate = next[f]!.get(code);
      fail[target] = candidate !== undefined && candidate !== target ? candidate : 0;
      const via = fail[target]!;
      dictionary[target] = own[via]!.length > 0 ? via : dictionary[via]!;
      queue.push(target);
    }
  }

  return {
    find(text) {
      const found: Occurrence[] = [];
      let state = 0;
      for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i);
        while (state !== 0 && !next[state]!.has(code)) state = fail[state]!;
        state = next[state]!.get(code) ?? 0;
        for (let s = own[state]!.length > 0 ? state : dictionary[state]!; s > 0; s = dictionary[s]!) {
          for (const needle of own[s]!)
            found.push({ needle, start: i + 1 - needles[needle]!.length, end: i + 1 });
        }
      }
      return found;
    },
  };
}
