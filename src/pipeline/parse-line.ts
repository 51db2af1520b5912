import type { ComposedReply } from '../compose/compose-reply.js';
import { hardwareView } from '../conversation/hardware-view.js';
import type { ConversationRecord } from '../conversation/record.js';
import type { Decision } from '../decide/decide.js';
import type { MessageFacts } from '../understand/message-facts.js';

/** What `intake parse --json` prints for one message: parse-json.md's keys, then more for reviewers. */
export interface ParseLine {
  file: string;
  messageId: string;
  conversation: string;
  language: string;
  requestTypes: string[];
  scenarios: string[];
  server: { serviceIds: string[]; ips: string[]; hostnames: string[] };
  access: { methods: string[] };
  power: { authorization: string; windows: { start: string; end: string }[] };
  backup: string;
  acknowledgements: { dataLoss: string; hardware: string };
  os: {
    distribution: string;
    version: string | null;
    edition: string | null;
    partitioning: string | null;
    raid: string | null;
  } | null;
  hardware: {
    components: {
      kind: string;
      action: string | null;
      quantity: number | null;
      size: string | null;
      serials: string[];
      slot: string | null;
    }[];
    downtime: string;
    windows: { start: string; end: string }[];
    hotSwapQuestion: boolean;
  };
  missing: string[];
  status: string;
  reply: Omit<ComposedReply, 'html'> | null;
  /** Beyond the contract: why a person must look, and where each value came from. */
  reviewReasons: string[];
  evidence: Record<string, { messageId: string | null; text: string }[]>;
}

/** The state of a conversation after one message, in the contract's shape. */
export function parseLine(
  file: string,
  facts: MessageFacts,
  record: ConversationRecord,
  decision: Decision,
  reply: ComposedReply | null,
): ParseLine {
  const automatic = decision.status === 'ignored';
  const types = new Set(record.requestTypes.map((t) => t.value));
  const windowsOf = (w: { start: string; end: string }[]) => w.map(({ start, end }) => ({ start, end }));
  const evidence: ParseLine['evidence'] = {};
  const note = (field: string, messageId: string | null, list: { text: string }[]) => {
    if (list.length === 0) return;
    evidence[field] = [...(evidence[field] ?? []), ...list.map((e) => ({ messageId, text: e.text }))];
  };
  if (!automatic) {
    for (const t of record.requestTypes) note(`requestTypes.${t.value}`, t.messageId, t.evidence);
    for (const s of [...record.serviceIds, ...record.ips, ...record.hostnames])
      note(`server.${s.value}`, s.messageId, s.evidence);
    for (const a of record.access) note(`access.${a.value}`, a.messageId, a.evidence);
    note('power', record.power.messageId, record.power.evidence);
    note('backup', record.backup.messageId, record.backup.evidence);
    note('acknowledgements.dataLoss', record.dataLossAck.messageId, record.dataLossAck.evidence);
    note('acknowledgements.hardware', record.hardwareAck.messageId, record.hardwareAck.evidence);
    note('os', record.os.messageId, record.os.evidence);
    for (const c of record.components) note(`hardware.${c.value.kind}`, c.messageId, c.evidence);
  }
  const { html: _html, ...replyJson } = reply ?? { html: '' };
  return {
    file,
    messageId: facts.messageId,
    conversation: record.id,
    language: automatic ? facts.language : record.language,
    requestTypes: automatic ? [] : record.requestTypes.map((t) => t.value),
    scenarios: automatic ? [] : record.scenarios.map((s) => s.value),
    server: automatic
      ? { serviceIds: [], ips: [], hostnames: [] }
      : {
          serviceIds: record.serviceIds.map((s) => s.value),
          ips: record.ips.map((s) => s.value),
          hostnames: record.hostnames.map((s) => s.value),
        },
    access: { methods: automatic ? [] : record.access.map((a) => a.value) },
    power: automatic
      ? { authorization: 'unspecified', windows: [] }
      : { authorization: record.power.value.authorization, windows: windowsOf(record.power.value.windows) },
    backup: automatic ? 'unspecified' : record.backup.value,
    acknowledgements: automatic
      ? { dataLoss: 'absent', hardware: 'absent' }
      : { dataLoss: record.dataLossAck.value, hardware: record.hardwareAck.value },
    os:
      automatic || !types.has('os_reinstall') || !record.os.value
        ? null
        : {
            ...record.os.value,
            partitioning: record.os.value.partitioning ?? record.installOptions.value.partitioning,
            raid: record.os.value.raid ?? record.installOptions.value.raid,
          },
    hardware: automatic
      ? { components: [], downtime: 'unspecified', windows: [], hotSwapQuestion: false }
      : {
          components: record.components.map((c) => c.value),
          downtime: types.has('hardware') ? hardwareView(record).downtime : 'unspecified',
          windows: types.has('hardware') ? windowsOf(hardwareView(record).windows) : [],
          hotSwapQuestion: types.has('hardware') && record.hotSwapQuestion.value,
        },
    missing: decision.missing,
    status: decision.status,
    reply: reply ? (replyJson as Omit<ComposedReply, 'html'>) : null,
    reviewReasons: decision.reviewReasons,
    evidence,
  };
}
