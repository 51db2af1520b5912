import type { AckLevel, Component } from '../record/schema.js';
import type { Extracted } from '../understand/evidence.js';
import type { MessageFacts, Stated } from '../understand/message-facts.js';
import type { ConversationRecord, Sourced } from './record.js';

const ACK_RANK: Record<AckLevel, number> = { absent: 0, paraphrase: 1, verbatim: 2 };

function sourced<T>(stated: Stated<T>, messageId: string): Sourced<T> {
  return { value: stated.value, messageId, evidence: stated.evidence };
}

/** Set-valued fields grow: a later message adds a server's IP, it does not take back the service id. */
function union<T>(
  current: Sourced<T>[],
  found: Extracted<T>[],
  messageId: string,
  key: (v: T) => string = String,
): Sourced<T>[] {
  const out = [...current];
  const seen = new Set(current.map((c) => key(c.value)));
  for (const f of found) {
    if (seen.has(key(f.value))) continue;
    seen.add(key(f.value));
    out.push({ value: f.value, messageId, evidence: [f.evidence] });
  }
  return out;
}

/**
 * A component named again completes the one already recorded ("the serial is WCC7…" after "replace the
 * failed disk"); a different kind or action is another component.
 */
function mergeComponents(
  current: Sourced<Component>[],
  found: Extracted<Component>[],
  messageId: string,
): Sourced<Component>[] {
  const out = current.map((c) => ({ ...c, value: { ...c.value, serials: [...c.value.serials] } }));
  for (const f of found) {
    const same = out.find(
      (c) =>
        c.value.kind === f.value.kind &&
        (c.value.action === f.value.action || c.value.action === null || f.value.action === null),
    );
    if (!same) {
      out.push({ value: f.value, messageId, evidence: [f.evidence] });
      continue;
    }
    const v = same.value;
    same.value = {
      kind: v.kind,
      action: v.action ?? f.value.action,
      quantity: v.quantity ?? f.value.quantity,
      size: v.size ?? f.value.size,
      serials: [...new Set([...v.serials, ...f.value.serials])],
      slot: v.slot ?? f.value.slot,
    };
    same.evidence = [...same.evidence, f.evidence];
  }
  return out;
}

/**
 * Merges one message into its conversation's record. Statements override field by field (a withdrawn
 * authorization is withdrawn); what the message does not mention keeps its value; sets (types, servers,
 * access methods, components) grow; an acknowledgement never falls back from verbatim to paraphrase because
 * a later message did not repeat it. Every change is written to the history.
 */
export function mergeFacts(record: ConversationRecord, facts: MessageFacts): ConversationRecord {
  const id = facts.messageId;
  const next: ConversationRecord = {
    ...record,
    messageIds: [...record.messageIds, id],
    history: [...record.history],
  };
  const changed = (field: string, value: unknown) => next.history.push({ field, value, messageId: id });
  if (record.messageIds.length === 0) {
    next.customer = facts.from;
    next.subject = facts.subject;
  }
  next.language = facts.language;

  next.requestTypes = union(record.requestTypes, facts.requestTypes, id);
  next.scenarios = union(record.scenarios, facts.scenarios, id);
  next.serviceIds = union(record.serviceIds, facts.server.serviceIds, id);
  next.ips = union(record.ips, facts.server.ips, id);
  next.hostnames = union(record.hostnames, facts.server.hostnames, id);
  next.access = union(record.access, facts.access, id);
  next.components = mergeComponents(record.components, facts.components, id);
  for (const [field, before, after] of [
    ['requestTypes', record.requestTypes, next.requestTypes],
    ['scenarios', record.scenarios, next.scenarios],
    ['serviceIds', record.serviceIds, next.serviceIds],
    ['ips', record.ips, next.ips],
    ['hostnames', record.hostnames, next.hostnames],
    ['access', record.access, next.access],
    ['components', record.components, next.components],
  ] as const) {
    if (after.length !== before.length)
      changed(
        field,
        after.map((s) => s.value),
      );
  }

  if (facts.power && facts.power.value.authorization !== 'unspecified') {
    next.power = sourced(facts.power, id);
    changed('power', facts.power.value);
  }
  if (facts.backup && facts.backup.value !== 'unspecified') {
    next.backup = sourced(facts.backup, id);
    changed('backup', facts.backup.value);
  }
  if (facts.noBackupStated) next.noBackupStated = true;
  if (facts.backup?.value === 'confirmed') next.noBackupStated = false;
  for (const [field, key] of [
    ['dataLossAck', 'dataLoss'],
    ['hardwareAck', 'hardware'],
  ] as const) {
    const stated = facts.acknowledgements[key];
    if (stated && ACK_RANK[stated.value] > ACK_RANK[next[field].value]) {
      next[field] = sourced(stated, id);
      changed(field, stated.value);
    }
  }
  // The hardware acknowledgement says the data is backed up, unless the customer said otherwise.
  if (next.hardwareAck.value === 'verbatim' && next.backup.value === 'unspecified' && !next.noBackupStated) {
    next.backup = {
      value: 'confirmed',
      messageId: next.hardwareAck.messageId,
      evidence: next.hardwareAck.evidence,
    };
    changed('backup', 'confirmed');
  }
  if (facts.os) {
    next.os = { value: facts.os.value, messageId: id, evidence: facts.os.evidence };
    changed('os', facts.os.value);
  }
  if (facts.installOptions) {
    const before = next.installOptions.value;
    const value = {
      partitioning: facts.installOptions.value.partitioning ?? before.partitioning,
      raid: facts.installOptions.value.raid ?? before.raid,
    };
    next.installOptions = { value, messageId: id, evidence: facts.installOptions.evidence };
    changed('installOptions', value);
  }
  if (facts.downtime && facts.downtime.value !== 'unspecified') {
    next.downtime = sourced(facts.downtime, id);
    changed('downtime', facts.downtime.value);
  }
  // A slot given on its own sets the windows of a permission already given or limited.
  if (
    !facts.power &&
    facts.proposedWindows.length > 0 &&
    (next.power.value.authorization === 'window' ||
      next.power.value.authorization === 'granted' ||
      next.requestTypes.some((t) => t.value === 'hardware'))
  ) {
    next.power = {
      value: { authorization: 'window', windows: facts.proposedWindows, limited: false },
      messageId: id,
      evidence: [],
    };
    changed('power', next.power.value);
  }
  if (facts.hotSwapQuestion?.value) {
    next.hotSwapQuestion = sourced(facts.hotSwapQuestion, id);
    changed('hotSwapQuestion', true);
  }
  return next;
}
