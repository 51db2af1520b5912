/** One sample of the Prometheus text exposition format (version 0.0.4). */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  samples: Sample[];
  /** `# TYPE` per metric family. */
  types: Map<string, string>;
  help: Map<string, string>;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

/** Parses exposition text strictly: a line it does not understand throws, so a malformed output fails the test. */
export function parseExposition(text: string): Exposition {
  const out: Exposition = { samples: [], types: new Map(), help: new Map() };
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const fail = (why: string): never => {
      throw new Error(`exposition line ${i + 1}: ${why}: ${line}`);
    };
    if (line.startsWith('#')) {
      const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
      if (!meta) fail('not a HELP or TYPE line');
      const [, kind, name, rest] = meta!;
      if (kind === 'TYPE') {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest!)) fail('unknown type');
        out.types.set(name!, rest!);
      } else out.help.set(name!, rest!);
      continue;
    }
    const name = NAME.exec(line)?.[0] ?? fail('no metric name');
    let pos = name.length;
    const labels: Record<string, string> = {};
    if (line[pos] === '{') {
      pos++;
      while (line[pos] !== '}') {
        const label = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(line.slice(pos)) ?? fail('bad label');
        pos += label[0].length;
        let value = '';
        while (line[pos] !== '"') {
          if (pos >= line.length) fail('unterminated label value');
          if (line[pos] === '\\') {
            const next = line[pos + 1];
            value += next === 'n' ? '\n' : next;
            pos += 2;
          } else value += line[pos++];
        }
        pos++;
        labels[label[1]!] = value;
        if (line[pos] === ',') pos++;
        else if (line[pos] !== '}') fail('expected , or }');
      }
      pos++;
    }
    const fields = line.slice(pos).trim().split(/\s+/);
    if (line[pos] !== ' ' || fields.length < 1 || fields.length > 2) fail('expected a value');
    const raw = fields[0]!;
    // Prometheus reads these words as Go's ParseFloat does, in any case: prom-client writes `Nan` for an
    // event-loop lag not yet measured.
    const word = raw.toLowerCase();
    const value =
      word === '+inf' || word === 'inf'
        ? Infinity
        : word === '-inf'
          ? -Infinity
          : word === 'nan'
            ? NaN
            : Number(raw);
    if (Number.isNaN(value) && word !== 'nan') fail('value is not a number');
    out.samples.push({ name, labels, value });
  }
  return out;
}

/**
 * The value of the one sample named `name` whose labels include `labels`; undefined when there is none,
 * an error when several match (the test asked an ambiguous question).
 */
export function sampleValue(
  exposition: Exposition,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const found = exposition.samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value;
}
