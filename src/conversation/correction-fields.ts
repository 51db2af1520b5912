import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import {
  AccessMethod,
  AckLevel,
  Backup,
  Component,
  Downtime,
  Os,
  PowerAuthorization,
  RequestType,
  Window,
} from '../record/schema.js';

/** A normalised IP address (ipaddr.js's form), so that a corrected 2001:DB8::1 equals a parsed one. */
const Ip = z
  .string()
  .trim()
  .refine((v) => ipaddr.isValid(v), 'not an IPv4 or IPv6 address')
  .transform((v) => ipaddr.parse(v).toString());

const Hostname = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(
    /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/,
    'not a host name',
  );

const ServiceId = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}._:/-]*$/u, 'not a service id');

/** Windows are instants in UTC (the desk converts what staff type in the provider's zone before this). */
const UtcWindow = Window.extend({
  start: z.iso.datetime({ offset: false }),
  end: z.iso.datetime({ offset: false }),
}).refine((w) => Date.parse(w.start) < Date.parse(w.end), 'a window ends after it starts');

const PowerValue = z
  .strictObject({
    authorization: PowerAuthorization,
    windows: z.array(UtcWindow).max(20).default([]),
    limited: z.boolean().default(false),
  })
  .refine((p) => p.authorization === 'window' || p.windows.length === 0, {
    message: 'windows go with the authorization "window"',
  });

const OsValue = Os.extend({
  distribution: z.string().trim().min(1).max(60),
  version: z.string().trim().min(1).max(40).nullable().default(null),
  edition: z.string().trim().min(1).max(40).nullable().default(null),
  partitioning: z.string().trim().max(80).nullable().default(null),
  raid: z.string().trim().max(40).nullable().default(null),
}).nullable();

const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .max(50)
    .transform((values) => [...new Map(values.map((v) => [JSON.stringify(v), v])).values()]);

/**
 * The fields staff may correct, each with the schema of its value (the record's own vocabulary) and
 * whether the record holds one value or a list. The record key is the field's name.
 */
export const CORRECTABLE = {
  requestTypes: { many: true, schema: list(RequestType) },
  serviceIds: { many: true, schema: list(ServiceId) },
  ips: { many: true, schema: list(Ip) },
  hostnames: { many: true, schema: list(Hostname) },
  access: { many: true, schema: list(AccessMethod) },
  power: { many: false, schema: PowerValue },
  backup: { many: false, schema: Backup },
  dataLossAck: { many: false, schema: AckLevel },
  hardwareAck: { many: false, schema: AckLevel },
  os: { many: false, schema: OsValue },
  downtime: { many: false, schema: Downtime },
  components: { many: true, schema: list(Component) },
} as const;

export const CorrectableField = z.enum(
  Object.keys(CORRECTABLE) as [keyof typeof CORRECTABLE, ...(keyof typeof CORRECTABLE)[]],
);
export type CorrectableField = z.infer<typeof CorrectableField>;

/** What a client sends: the field, its new value in the record's shape, and why (optional). */
export const CorrectionInput = z
  .strictObject({
    field: CorrectableField,
    value: z.unknown(),
    note: z.string().trim().max(1000).optional(),
  })
  .transform((input, ctx) => {
    const parsed = CORRECTABLE[input.field].schema.safeParse(input.value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        ctx.addIssue({ code: 'custom', message: issue.message, path: ['value', ...issue.path] });
      return z.NEVER;
    }
    return { field: input.field, value: parsed.data as unknown, note: input.note || null };
  });
export type CorrectionInput = z.infer<typeof CorrectionInput>;
