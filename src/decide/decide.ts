import { hardwareView } from '../conversation/hardware-view.js';
import type { ConversationRecord } from '../conversation/record.js';
import { MISSING_IDS, type MissingId, type RecommendedId, type Status } from '../record/schema.js';

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

const ACCESS_SCENARIOS = new Set(['network_firewall', 'post_update', 'diagnostics']);

/** The required items of section 3 that the conversation has not supplied yet, in that table's order. */
export function missingItems(r: ConversationRecord): MissingId[] {
  const types = new Set(r.requestTypes.map((t) => t.value));
  if (types.size === 0) return [];
  const scenarios = new Set(r.scenarios.map((s) => s.value));
  const reinstall = types.has('os_reinstall');
  const hardware = types.has('hardware');
  const os = r.os.value;
  const hardwareState = hardwareView(r);
  const windowsKnown = r.power.value.windows.length > 0;
  const checks: Record<MissingId, boolean> = {
    server_id: r.serviceIds.length + r.ips.length + r.hostnames.length === 0,
    access:
      types.has('intervention') &&
      [...scenarios].some((s) => ACCESS_SCENARIOS.has(s)) &&
      r.access.length === 0,
    power_authorization: r.power.value.authorization === 'unspecified',
    power_window: r.power.value.authorization === 'window' && r.power.value.windows.length === 0,
    backup:
      r.backup.value === 'unspecified' &&
      !(reinstall && r.dataLossAck.value === 'verbatim') &&
      !(hardware && r.hardwareAck.value === 'verbatim'),
    os_choice:
      reinstall && !(os?.distribution && os.version && (os.distribution !== 'windows_server' || os.edition)),
    data_loss_ack: reinstall && r.dataLossAck.value !== 'verbatim',
    component: hardware && r.components.length === 0,
    downtime: hardware && hardwareState.downtime === 'unspecified',
    maintenance_window:
      hardware &&
      r.components.some(
        (c) => c.value.kind === 'ram' && (c.value.action === 'add' || c.value.action === 'upgrade'),
      ) &&
      !windowsKnown,
    hardware_ack: hardware && r.hardwareAck.value !== 'verbatim',
  };
  return MISSING_IDS.filter((id) => checks[id]);
}

/** Recommended, never blocking (section 3): a part to replace without serial or slot; a reinstall without layout. */
export function recommendedItems(r: ConversationRecord): RecommendedId[] {
  const types = new Set(r.requestTypes.map((t) => t.value));
  const out: RecommendedId[] = [];
  if (
    types.has('hardware') &&
    r.components.some((c) => c.value.action === 'replace' && c.value.serials.length === 0 && !c.value.slot)
  ) {
    out.push('component_serial');
  }
  const layout =
    r.os.value?.partitioning ??
    r.os.value?.raid ??
    r.installOptions.value.partitioning ??
    r.installOptions.value.raid;
  if (types.has('os_reinstall') && !layout) out.push('partitioning');
  return out;
}

/** Status per section 7. */
export function decide(r: ConversationRecord, ctx: DecisionContext): Decision {
  if (ctx.automatic) return { missing: [], recommended: [], status: 'ignored', reviewReasons: [] };
  const missing = missingItems(r);
  const recommended = recommendedItems(r);
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
