import { z } from 'zod';

/**
 * The vocabulary of an intervention record (intervention-policy.md sections 1–3, parse-json.md). One
 * place, so that extractors, the merge, the decision, the composer and the JSON output agree.
 */
export const REQUEST_TYPES = ['intervention', 'os_reinstall', 'hardware'] as const;
export const RequestType = z.enum(REQUEST_TYPES);
export type RequestType = z.infer<typeof RequestType>;

export const SCENARIOS = [
  'unresponsive',
  'network_firewall',
  'post_update',
  'diagnostics',
  'hardware_upgrade',
  'hardware_replacement',
] as const;
export const Scenario = z.enum(SCENARIOS);
export type Scenario = z.infer<typeof Scenario>;

export const ACCESS_METHODS = ['os_credentials', 'ipmi_kvm', 'other'] as const;
export const AccessMethod = z.enum(ACCESS_METHODS);
export type AccessMethod = z.infer<typeof AccessMethod>;

export const PowerAuthorization = z.enum(['granted', 'window', 'denied', 'unspecified']);
export type PowerAuthorization = z.infer<typeof PowerAuthorization>;

export const Backup = z.enum(['confirmed', 'no_backup_acknowledged', 'unspecified']);
export type Backup = z.infer<typeof Backup>;

export const AckLevel = z.enum(['verbatim', 'paraphrase', 'absent']);
export type AckLevel = z.infer<typeof AckLevel>;

export const Downtime = z.enum(['acceptable', 'window', 'unspecified']);
export type Downtime = z.infer<typeof Downtime>;

export const HARDWARE_KINDS = ['ram', 'disk', 'psu', 'nic', 'cpu', 'raid_controller', 'other'] as const;
export const HardwareKind = z.enum(HARDWARE_KINDS);
export type HardwareKind = z.infer<typeof HardwareKind>;

export const HardwareAction = z.enum(['add', 'replace', 'upgrade']);
export type HardwareAction = z.infer<typeof HardwareAction>;

/** An instant interval in UTC, ISO 8601 with `Z`. */
export const Window = z.object({ start: z.string(), end: z.string() });
export type Window = z.infer<typeof Window>;

export const Component = z.object({
  kind: HardwareKind,
  action: HardwareAction.nullable(),
  quantity: z.number().int().positive().nullable(),
  /** As written, normalised: "32GB", "2TB". */
  size: z.string().nullable(),
  serials: z.array(z.string()),
  slot: z.string().nullable(),
});
export type Component = z.infer<typeof Component>;

export const Os = z.object({
  distribution: z.string(),
  version: z.string().nullable(),
  edition: z.string().nullable(),
  partitioning: z.string().nullable(),
  raid: z.string().nullable(),
});
export type Os = z.infer<typeof Os>;

/** The ids of section 3, in that table's order: `missing` lists them in this order. */
export const MISSING_IDS = [
  'server_id',
  'access',
  'power_authorization',
  'power_window',
  'backup',
  'os_choice',
  'data_loss_ack',
  'component',
  'downtime',
  'maintenance_window',
  'hardware_ack',
] as const;
export const MissingId = z.enum(MISSING_IDS);
export type MissingId = z.infer<typeof MissingId>;

/** Recommended, never blocking (section 3): asked for in a reply that is sent anyway. */
export const RECOMMENDED_IDS = ['component_serial', 'partitioning'] as const;
export const RecommendedId = z.enum(RECOMMENDED_IDS);
export type RecommendedId = z.infer<typeof RecommendedId>;

export const Status = z.enum(['awaiting_customer', 'ready', 'needs_review', 'ignored']);
export type Status = z.infer<typeof Status>;
