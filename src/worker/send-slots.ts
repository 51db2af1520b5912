/** Gives out at most `size` slots at once; callers beyond that wait, first come first served. */
export interface Slots {
  /** Resolves with the function that gives the slot back (calling it twice gives it back once). */
  acquire(): Promise<() => void>;
}

export function createSlots(size: number): Slots {
  let free = size;
  const waiting: (() => void)[] = [];
  return {
    async acquire() {
      if (free > 0) free--;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      let given = false;
      return () => {
        if (given) return;
        given = true;
        // The slot passes straight to the next in line, so that a newcomer cannot overtake it.
        const next = waiting.shift();
        if (next) next();
        else free++;
      };
    },
  };
}
