import { hardwareView } from '../conversation/hardware-view.js';
import type { ConversationRecord } from '../conversation/record.js';
import { RuleLoadError } from '../errors.js';
import {
  MISSING_IDS,
  type MissingId,
  RECOMMENDED_IDS,
  type RecommendedId,
  type Status,
} from '../record/schema.js';
import type { RuleBook } from '../rule-engine/load-rules.js';

export interface DecisionContext {
  /** The message being decided on is an automatic one (auto-reply, bounce, list, our own). */
  automatic: boolean;
  /** Contradictions stated in the latest message. */
  contradictions: readonly string[];
  /** Problems found by the sender checks (directory, DMARC). */
  senderProblems: readonly string[];
  /** The message could not be read as intended. */
  unreadable: boolean;
}

export interface Decision {
  missing: MissingId[];
  recommended: RecommendedId[];
  status: Status;
  /** Why a person must look, when status is needs_review. */
  reviewReasons: string[];
}

export interface PolicyTable {
  items: readonly { id: MissingId; types: ReadonlySet<string>; scenarios: ReadonlySet<string> | null }[];
  recommended: readonly { id: RecommendedId; types: ReadonlySet<string> }[];
}

/**
 * The policy table from `rules/policy/required-items.yml`, checked against the predicates below: an id
 * without a predicate, or a predicate without an id, stops the service at start-up.
 */
export function policyTable(book: RuleBook): PolicyTable {
  const file = book.policyTable('policy/required-items');
  const problems: string[] = [];
  const known = (id: string, list: readonly string[], what: string) => {
    if (!list.includes(id))
      problems.push(`rules/policy/required-items.yml: ${what} "${id}" has no predicate in src/decide`);
  };
  for (const item of file.items) known(item.id, MISSING_IDS, 'item');
  for (const item of file.recommended) known(item.id, RECOMMENDED_IDS, 'recommended item');
  for (const id of MISSING_IDS)
    if (!file.items.some((i) => i.id === id))
      problems.push(`rules/policy/required-items.yml: item "${id}" is missing`);
  if (problems.length > 0) throw new RuleLoadError(problems);
  return {
    items: file.items.map((i) => ({
      id: i.id as MissingId,
      types: new Set(i.requiredFor.types),
      scenarios: i.requiredFor.scenarios ? new Set(i.requiredFor.scenarios) : null,
    })),
    recommended: file.recommended.map((i) => ({
      id: i.id as RecommendedId,
      types: new Set(i.requiredFor.types),
    })),
  };
}

/** Is the item supplied? One predicate per id of the table (section 3, "satisfied by"). */
function satisfied(r: ConversationRecord): Record<MissingId, boolean> {
  const types = new Set(r.requestTypes.map((t) => t.value));
  const reinstall = types.has('os_reinstall');
  const hardware = types.has('hardware');
  const os = r.os.value;
  const power = r.power.value;
  return {
    server_id: r.serviceIds.length + r.ips.length + r.hostnames.length > 0,
    access: r.access.length > 0,
    power_authorization: power.authorization !== 'unspecified',
    power_window: power.authorization !== 'window' || power.windows.length > 0,
    backup:
      r.backup.value !== 'unspecified' ||
      (reinstall && r.dataLossAck.value === 'verbatim') ||
      (hardware && r.hardwareAck.value === 'verbatim'),
    os_choice: Boolean(
      os?.distribution && os.version && (os.distribution !== 'windows_server' || os.edition),
    ),
    data_loss_ack: r.dataLossAck.value === 'verbatim',
    component: r.components.length > 0,
    downtime: hardwareView(r).downtime !== 'unspecified',
    // RAM work needs the server fully powered off at an agreed time; other parts do not ask for a window.
    maintenance_window:
      !r.components.some(
        (c) => c.value.kind === 'ram' && (c.value.action === 'add' || c.value.action === 'upgrade'),
      ) || power.windows.length > 0,
    hardware_ack: r.hardwareAck.value === 'verbatim',
  };
}

function applies(
  item: { types: ReadonlySet<string>; scenarios?: ReadonlySet<string> | null },
  types: Set<string>,
  scenarios: Set<string>,
): boolean {
  if (![...item.types].some((t) => types.has(t))) return false;
  return !item.scenarios || [...item.scenarios].some((s) => scenarios.has(s));
}

/** The required items of section 3 that the conversation has not supplied yet, in that table's order. */
export function missingItems(r: ConversationRecord, table: PolicyTable): MissingId[] {
  const types = new Set<string>(r.requestTypes.map((t) => t.value));
  if (types.size === 0) return [];
  const scenarios = new Set<string>(r.scenarios.map((s) => s.value));
  const ok = satisfied(r);
  return table.items.filter((item) => applies(item, types, scenarios) && !ok[item.id]).map((item) => item.id);
}

/** Recommended, never blocking (section 3): a part to replace without serial or slot; a reinstall without layout. */
export function recommendedItems(r: ConversationRecord, table: PolicyTable): RecommendedId[] {
  const types = new Set<string>(r.requestTypes.map((t) => t.value));
  const layout =
    r.os.value?.partitioning ??
    r.os.value?.raid ??
    r.installOptions.value.partitioning ??
    r.installOptions.value.raid;
  const wanted: Record<RecommendedId, boolean> = {
    component_serial: r.components.some(
      (c) => c.value.action === 'replace' && c.value.serials.length === 0 && !c.value.slot,
    ),
    partitioning: !layout,
  };
  return table.recommended
    .filter((item) => applies(item, types, new Set()) && wanted[item.id])
    .map((item) => item.id);
}

/** Status per section 7. */
export function decide(r: ConversationRecord, table: PolicyTable, ctx: DecisionContext): Decision {
  if (ctx.automatic) return { missing: [], recommended: [], status: 'ignored', reviewReasons: [] };
  const missing = missingItems(r, table);
  const recommended = recommendedItems(r, table);
  const reasons: string[] = [];
  if (ctx.unreadable) reasons.push('message_unreadable');
  reasons.push(...ctx.contradictions.map((c) => `contradiction:${c}`));
  if (r.requestTypes.length === 0) reasons.push('not_a_request');
  reasons.push(...ctx.senderProblems);
  if (reasons.length > 0) return { missing, recommended, status: 'needs_review', reviewReasons: reasons };
  return {
    missing,
    recommended,
    status: missing.length > 0 ? 'awaiting_customer' : 'ready',
    reviewReasons: [],
  };
}
