import type { ConversationRecord } from '../conversation/record.js';
import type { MessageText } from '../store/store.js';
import type { Evidence } from '../understand/evidence.js';
import { highlight, locate } from './highlight.js';
import { type Html, html } from './html.js';
import { layout } from './layout.js';
import type { MissingWording } from './missing-wording.js';
import { STATUS_LABELS } from './queue-page.js';
import { actionsHtml, correctionForms, correctionNote } from './record-actions-html.js';
import type { FieldView } from './record-fields.js';
import type { MaskedSecret, RecordView } from './record-view.js';
import { bothZones, windowBothZones } from './time-html.js';
import { timelineHtml } from './timeline-html.js';

export interface RecordPageOptions {
  view: RecordView;
  /** The reply template's words for each missing id; an id without any is shown as it is. */
  wording: Record<string, MissingWording>;
  /** The provider's IANA zone: every time is shown in it and in UTC. */
  zone: string;
  signedIn: { email: string; csrf: string | null };
  /** The stored record, which the correction forms are prefilled from. */
  record: ConversationRecord;
}

/** Which message of the conversation, by Message-ID: its number in the timeline and its text. */
type MessageIndex = Map<string, { n: number; message: MessageText }>;

function evidenceHtml(ev: Evidence, source: MessageText | undefined): Html {
  const text = source ? (ev.in === 'subject' ? source.subject : source.newText) : null;
  const span = text === null ? null : locate(text, ev);
  if (text === null || span === null) {
    // The sentence is the evidence even when its message cannot be shown: quote it alone, and say so.
    return html`<blockquote class="evidence"><mark>${ev.text}</mark><div class="none">not found in the message's text</div></blockquote>`;
  }
  return html`<blockquote class="evidence${ev.in === 'subject' ? ' subject' : ''}">${highlight(text, [span])}</blockquote>`;
}

/** The correction shown on a field's first row (a list field has one row per value). */
type CorrectionNotes = Map<string, Html>;

function fieldRow(f: FieldView, messages: MessageIndex, zone: string, notes: CorrectionNotes): Html {
  const note = notes.get(f.field);
  notes.delete(f.field);
  const source = f.messageId === null ? undefined : messages.get(f.messageId);
  const from =
    f.messageId === null
      ? html`<span class="none">—</span>`
      : source
        ? html`<a href="#message-${source.n}">message ${source.n}</a>`
        : html`<span class="none">${f.messageId}</span>`;
  const evidence =
    f.value === null
      ? ''
      : f.evidence.length === 0
        ? html`<span class="none">no evidence stored</span>`
        : f.evidence.map((ev) => evidenceHtml(ev, source?.message));
  return html`<tr class="field${note ? ' is-corrected' : ''}" data-field="${f.field}">
<th scope="row">${f.label}</th>
<td>${f.value ?? html`<span class="none">not given</span>`}${note ?? ''}${
    f.windows && f.windows.length > 0
      ? html`<ul class="windows">${f.windows.map((w) => html`<li>${windowBothZones(w, zone)}</li>`)}</ul>`
      : ''
  }</td>
<td>${from}</td>
<td>${evidence}</td>
</tr>`;
}

function secretRow(s: MaskedSecret, view: RecordView, messages: MessageIndex, csrf: string | null): Html {
  const n = messages.get(s.messageId)?.n;
  return html`<tr class="secret">
<td>${s.kind}</td>
<td>${s.label}</td>
<td><code>${s.placeholder}</code></td>
<td>${n === undefined ? s.messageId : html`<a href="#message-${n}">message ${n}</a>`}</td>
<td class="masked">••••••••</td>
<td><form method="post" action="/conversations/${view.id}/secrets/${s.id}/reveal">${
    csrf === null ? '' : html`<input type="hidden" name="csrf" value="${csrf}">`
  }<button type="submit">Reveal</button></form></td>
</tr>`;
}

function auditHtml(view: RecordView, zone: string): Html {
  if (view.audit.length === 0) return html`<p class="none">No entries.</p>`;
  return html`<table class="audit">
<thead><tr><th>When</th><th>Who</th><th>What</th><th>Details</th></tr></thead>
<tbody>
${view.audit.map(
  (a) =>
    html`<tr><td>${bothZones(a.at, zone)}</td><td>${a.actor}</td><td>${a.action}</td><td><code>${JSON.stringify(a.details)}</code></td></tr>`,
)}
</tbody>
</table>`;
}

export function recordPage(options: RecordPageOptions): string {
  const { view, zone } = options;
  const csrf = options.signedIn.csrf;
  const notes: CorrectionNotes = new Map(
    view.corrections.map((c) => [c.field, correctionNote(c, view.id, zone, csrf)]),
  );
  const messages: MessageIndex = new Map();
  let n = 0;
  for (const entry of view.timeline) {
    if (entry.kind === 'message') messages.set(entry.message.messageId, { n: ++n, message: entry.message });
  }
  return layout({
    title: view.id,
    signedIn: options.signedIn,
    body: html`<p class="back"><a href="/">← Queue</a></p>
<h1>${view.id} <span class="status status-${view.status}">${STATUS_LABELS[view.status]}</span></h1>
<p class="subject">${view.subject}</p>
<p class="customer">${view.customer ? `${view.customer.name ?? ''} <${view.customer.address}>`.trim() : 'unknown customer'} · ${view.language} · times in ${zone} (UTC in brackets)</p>
${
  view.reviewReasons.length > 0
    ? html`<section class="reasons"><h2>Why it needs review</h2><ul>${view.reviewReasons.map((r) => html`<li>${r}</li>`)}</ul></section>`
    : ''
}
<section class="missing-items"><h2>Missing</h2>${
      view.missing.length > 0
        ? html`<ul class="missing">${view.missing.map((m) => {
            const w = options.wording[m];
            return w
              ? html`<li title="${w.sentence}">${w.heading} <code>${m}</code></li>`
              : html`<li><code>${m}</code></li>`;
          })}</ul>`
        : html`<p class="none">Nothing is missing.</p>`
    }</section>
${actionsHtml(view.id, view.status, csrf)}
<section id="record"><h2>Record</h2>
<table class="record">
<thead><tr><th>Field</th><th>Value</th><th>From</th><th>Customer's words</th></tr></thead>
<tbody>
${view.fields.map((f) => fieldRow(f, messages, zone, notes))}
</tbody>
</table></section>
${correctionForms(view.id, options.record, zone, csrf)}
<section class="secrets"><h2>Secrets</h2>${
      view.secrets.length === 0
        ? html`<p class="none">No secret in this conversation.</p>`
        : html`<table class="secrets">
<thead><tr><th>Kind</th><th>Label</th><th>Placeholder</th><th>From</th><th>Value</th><th></th></tr></thead>
<tbody>${view.secrets.map((s) => secretRow(s, view, messages, options.signedIn.csrf))}</tbody>
</table>
<p class="note">Each reveal is written to the audit below, with your name, before the value is shown.</p>`
    }</section>
<section id="timeline"><h2>Conversation</h2>${timelineHtml(view.timeline, zone)}</section>
<section><h2>Audit</h2>${auditHtml(view, zone)}</section>`,
  });
}
