/**
 * Compares a printed line with a hand-judged expectation, field by field, as the golden test and
 * `npm run eval` both need: server identifiers as sets, the reply on the keys the expectation gives.
 */
export interface FieldCheck {
  field: string;
  ok: boolean;
  expected: unknown;
  actual: unknown;
  /** For set-valued fields: items expected and found, expected and not found, found and not expected. */
  set?: { truePositives: number; falseNegatives: number; falsePositives: number };
}

const SET_FIELDS = [
  'requestTypes',
  'scenarios',
  'server.serviceIds',
  'server.ips',
  'server.hostnames',
  'access.methods',
];
const EXACT_FIELDS = [
  'conversation',
  'language',
  'power.authorization',
  'power.windows',
  'backup',
  'acknowledgements.dataLoss',
  'acknowledgements.hardware',
  'os',
  'hardware.components',
  'hardware.downtime',
  'hardware.windows',
  'hardware.hotSwapQuestion',
  'missing',
  'status',
];

function get(obj: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined),
      obj,
    );
}

const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, val) =>
    val && typeof val === 'object' && !Array.isArray(val)
      ? Object.fromEntries(Object.entries(val).sort(([a], [b]) => a.localeCompare(b)))
      : val,
  );

export function compareLine(
  expected: Record<string, unknown>,
  actual: Record<string, unknown>,
): FieldCheck[] {
  const checks: FieldCheck[] = [];
  for (const field of SET_FIELDS) {
    const e = (get(expected, field) as string[] | undefined) ?? [];
    const a = (get(actual, field) as string[] | undefined) ?? [];
    const tp = e.filter((x) => a.includes(x)).length;
    checks.push({
      field,
      ok: tp === e.length && a.length === e.length,
      expected: e,
      actual: a,
      set: {
        truePositives: tp,
        falseNegatives: e.length - tp,
        falsePositives: a.filter((x) => !e.includes(x)).length,
      },
    });
  }
  for (const field of EXACT_FIELDS) {
    const e = get(expected, field);
    const a = get(actual, field);
    checks.push({ field, ok: canonical(e) === canonical(a), expected: e, actual: a });
  }
  const eReply = expected.reply as Record<string, unknown> | null;
  const aReply = actual.reply as Record<string, unknown> | null;
  if (eReply === null || aReply === null) {
    checks.push({
      field: 'reply',
      ok: eReply === aReply,
      expected: eReply,
      actual: aReply === null ? null : { requested: aReply.requested },
    });
  } else {
    for (const [key, value] of Object.entries(eReply)) {
      const got = aReply[key];
      const ok =
        key === 'headers'
          ? Object.entries(value as Record<string, string>).every(
              ([h, v]) => (got as Record<string, string>)?.[h] === v,
            )
          : canonical(value) === canonical(got);
      checks.push({ field: `reply.${key}`, ok, expected: value, actual: got });
    }
  }
  return checks;
}
