import type { CorrectableField } from '../conversation/correction-fields.js';
import type { ConversationRecord } from '../conversation/record.js';
import { canMoveTo, type DeskStatus, type StaffStatus } from '../record/desk-status.js';
import {
  ACCESS_METHODS,
  AckLevel,
  Backup,
  Downtime,
  PowerAuthorization,
  REQUEST_TYPES,
} from '../record/schema.js';
import type { CorrectionView } from './correction-view.js';
import { zonedMinute } from './format.js';
import { type Html, html } from './html.js';

const csrfField = (csrf: string | null) =>
  csrf === null ? '' : html`<input type="hidden" name="csrf" value="${csrf}">`;

const select = (name: string, options: readonly string[], current: string) =>
  html`<select name="${name}">${options.map(
    (o) =>
      html`<option value="${o}"${o === current ? html` selected` : ''}>${o.replaceAll('_', ' ')}</option>`,
  )}</select>`;

const listInput = (values: readonly string[], hint: string) =>
  html`<input type="text" name="values" value="${values.join(', ')}" size="50"> <span class="hint">${hint}</span>`;

/** A wall time in the provider's zone as the form takes it back: `2026-03-07 02:00`. */
const wall = (iso: string, zone: string) => zonedMinute(iso, zone).slice(0, 16);

/** The inputs of one field's correction form, prefilled with the record's current value. */
function inputsFor(field: CorrectableField, r: ConversationRecord, zone: string): Html | null {
  const values = <T>(list: { value: T }[]) => list.map((s) => String(s.value));
  switch (field) {
    case 'requestTypes':
      return listInput(values(r.requestTypes), REQUEST_TYPES.join(', '));
    case 'serviceIds':
      return listInput(values(r.serviceIds), 'comma-separated');
    case 'ips':
      return listInput(values(r.ips), 'IPv4 or IPv6, comma-separated');
    case 'hostnames':
      return listInput(values(r.hostnames), 'comma-separated');
    case 'access':
      return listInput(values(r.access), ACCESS_METHODS.join(', '));
    case 'power': {
      const p = r.power.value;
      return html`${select('authorization', PowerAuthorization.options, p.authorization)}
<label><input type="checkbox" name="limited"${p.limited ? html` checked` : ''}> limited in time</label>
<label>Windows, one per line, <code>YYYY-MM-DD HH:MM - YYYY-MM-DD HH:MM</code> in ${zone}
<textarea name="windows" rows="2" cols="44">${p.windows.map((w) => `${wall(w.start, zone)} - ${wall(w.end, zone)}`).join('\n')}</textarea></label>`;
    }
    case 'backup':
      return select('value', Backup.options, r.backup.value);
    case 'dataLossAck':
      return select('value', AckLevel.options, r.dataLossAck.value);
    case 'hardwareAck':
      return select('value', AckLevel.options, r.hardwareAck.value);
    case 'downtime':
      return select('value', Downtime.options, r.downtime.value);
    case 'os': {
      const os = r.os.value;
      return html`<input type="text" name="distribution" value="${os?.distribution ?? ''}" placeholder="distribution" size="14">
<input type="text" name="version" value="${os?.version ?? ''}" placeholder="version" size="8">
<input type="text" name="edition" value="${os?.edition ?? ''}" placeholder="edition" size="10">`;
    }
    default:
      // Components are corrected through the API: their form would need client code.
      return null;
  }
}

const LABELS: Record<Exclude<CorrectableField, 'components'>, string> = {
  requestTypes: 'Request types',
  serviceIds: 'Service IDs',
  ips: 'IP addresses',
  hostnames: 'Host names',
  access: 'Access',
  power: 'Power / reboot',
  backup: 'Backup',
  dataLossAck: 'Data loss acknowledged',
  hardwareAck: 'Hardware risk acknowledged',
  os: 'Operating system',
  downtime: 'Downtime',
};

/** One form per correctable field, folded: a correction is stored as such and never lost to a later message. */
export function correctionForms(id: string, r: ConversationRecord, zone: string, csrf: string | null): Html {
  return html`<section class="corrections" id="correct"><h2>Correct the record</h2>
${(Object.keys(LABELS) as (keyof typeof LABELS)[]).map(
  (field) => html`<details class="correct" data-field="${field}"><summary>${LABELS[field]}</summary>
<form method="post" action="/conversations/${id}/corrections">${csrfField(csrf)}
<input type="hidden" name="field" value="${field}">
${inputsFor(field, r, zone)}
<label>Note <input type="text" name="note" size="40" maxlength="1000"></label>
<button type="submit">Save correction</button>
</form></details>`,
)}
</section>`;
}

/** The correction behind a field's value: who, when, what the messages say, and what came after. */
export function correctionNote(c: CorrectionView, id: string, zone: string, csrf: string | null): Html {
  return html`<div class="corrected">corrected by ${c.by.replace(/^desk:/, '')} at ${zonedMinute(c.at, zone)}; parsed: ${c.parsedText ?? 'not given'}${
    c.note ? html`<div class="correction-note">Note: ${c.note}</div>` : ''
  }${c.later ? html`<div class="later">customer later wrote ${c.later.text ?? 'nothing usable'}</div>` : ''}
<form method="post" action="/conversations/${id}/corrections/${c.field}/withdraw" class="withdraw">${csrfField(csrf)}<button type="submit">Withdraw correction</button></form></div>`;
}

const MOVES: { to: StaffStatus; label: string }[] = [
  { to: 'scheduled', label: 'Schedule' },
  { to: 'done', label: 'Mark done' },
  { to: 'ready', label: 'Unschedule' },
];

/** The staff workflow buttons this status allows, and the way to reply. */
export function actionsHtml(id: string, status: DeskStatus, csrf: string | null): Html {
  const moves = MOVES.filter((m) => canMoveTo(status, m.to));
  return html`<section class="actions" id="actions"><h2>Actions</h2>
${moves.map(
  (m) => html`<form method="post" action="/conversations/${id}/status" class="status-move">${csrfField(csrf)}
<input type="hidden" name="status" value="${m.to}">
<label>Note <input type="text" name="note" size="30" maxlength="1000"></label>
<button type="submit">${m.label}</button></form>`,
)}
<p><a class="reply-link" href="/conversations/${id}/reply">Write a reply to the customer…</a></p>
</section>`;
}
