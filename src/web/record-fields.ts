import type { ConversationRecord, Sourced } from '../conversation/record.js';
import type { Component, Os, Window } from '../record/schema.js';
import type { Evidence } from '../understand/evidence.js';

/** One value of the record as the desk shows it: what it is, which message said so, and the words. */
export interface FieldView {
  /** The record's key (`power`, `serviceIds`…), stable for clients. */
  field: string;
  label: string;
  /** The value in words; null when the customer has not given it. */
  value: string | null;
  /** The Message-ID of the message that supplied it (null for a default). */
  messageId: string | null;
  evidence: Evidence[];
  /** Intervention windows, in UTC (the page shows them in the provider's zone as well). */
  windows?: Window[];
}

const os = (o: Os | null) =>
  o === null
    ? null
    : [o.distribution, o.version, o.edition, o.partitioning, o.raid].filter((p) => p !== null).join(' ');

const component = (c: Component) =>
  [
    c.action,
    c.quantity === null ? null : `${c.quantity} ×`,
    c.kind,
    c.size,
    c.slot === null ? null : `slot ${c.slot}`,
    c.serials.length > 0 ? `serial ${c.serials.join(', ')}` : null,
  ]
    .filter((p) => p !== null)
    .join(' ');

function one<T>(field: string, label: string, s: Sourced<T>, show: (v: T) => string | null): FieldView {
  return { field, label, value: show(s.value), messageId: s.messageId, evidence: s.evidence };
}

function each<T>(field: string, label: string, list: Sourced<T>[], show: (v: T) => string): FieldView[] {
  if (list.length === 0) return [{ field, label, value: null, messageId: null, evidence: [] }];
  return list.map((s) => ({
    field,
    label,
    value: show(s.value),
    messageId: s.messageId,
    evidence: s.evidence,
  }));
}

/** A value left at its default says nothing: shown as not given rather than as the word `unspecified`. */
const stated = (v: string) => (v === 'unspecified' || v === 'absent' ? null : v.replaceAll('_', ' '));

/** The record's fields in the order staff check them (type, server, access, power, backup, system, hardware). */
export function recordFields(r: ConversationRecord): FieldView[] {
  const power = r.power.value;
  return [
    ...each('requestTypes', 'Request type', r.requestTypes, (v) => v.replaceAll('_', ' ')),
    ...each('scenarios', 'Scenario', r.scenarios, (v) => v.replaceAll('_', ' ')),
    ...each('serviceIds', 'Service ID', r.serviceIds, String),
    ...each('ips', 'IP address', r.ips, String),
    ...each('hostnames', 'Host name', r.hostnames, String),
    ...each('access', 'Access', r.access, (v) => v.replaceAll('_', ' ')),
    {
      ...one('power', 'Power / reboot', r.power, (p) =>
        p.authorization === 'unspecified'
          ? null
          : `${p.authorization}${p.limited ? ' (limited in time)' : ''}`,
      ),
      windows: power.windows,
    },
    one('backup', 'Backup', r.backup, (v) =>
      stated(v) === null && r.noBackupStated ? 'no backup stated' : stated(v),
    ),
    one('dataLossAck', 'Data loss acknowledged', r.dataLossAck, stated),
    one('os', 'Operating system', r.os, os),
    one('installOptions', 'Partitioning / RAID', r.installOptions, (v) =>
      v.partitioning === null && v.raid === null
        ? null
        : [v.partitioning, v.raid].filter((p) => p !== null).join(', '),
    ),
    ...each('components', 'Hardware', r.components, component),
    one('downtime', 'Downtime', r.downtime, stated),
    one('hardwareAck', 'Hardware risk acknowledged', r.hardwareAck, stated),
    one('hotSwapQuestion', 'Asks about hot swap', r.hotSwapQuestion, (v) => (v ? 'yes' : null)),
  ];
}
