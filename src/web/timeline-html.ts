import { type Html, html } from './html.js';
import type { ReplyView, TimelineEntry } from './record-view.js';
import { bothZones } from './time-html.js';

/** Our reply's delivery state in words, with the SMTP server's answer when there is one. */
const DELIVERY: Record<ReplyView['status'], string> = {
  pending: 'pending',
  sending: 'sending',
  sent: 'sent',
  uncertain: 'uncertain (the server may or may not have it)',
  failed: 'failed',
  refused_limit: 'refused (daily limit for this sender)',
};

function replyHtml(r: ReplyView, zone: string): Html {
  return html`<li class="reply delivery-${r.status}">
<div class="meta"><strong>Our reply ${r.revision}</strong> to ${r.to} · created ${bothZones(r.createdAt, zone)}${
    r.sentAt ? html` · sent ${bothZones(r.sentAt, zone)}` : ''
  }</div>
<div class="delivery">Delivery: <span class="state">${DELIVERY[r.status]}</span>, ${r.attempts} attempt${r.attempts === 1 ? '' : 's'}${
    r.smtpResponse ? html` · SMTP: <code>${r.smtpResponse}</code>` : ''
  }</div>
<div class="subject">${r.subject}</div>
${r.requested.length > 0 ? html`<div class="requested">Asked for: ${r.requested.join(', ')}</div>` : ''}
<details><summary>Text</summary><div class="text">${r.text}</div></details>
</li>`;
}

/** The conversation in time order: each customer message with its new text, each reply of ours. */
export function timelineHtml(entries: readonly TimelineEntry[], zone: string): Html {
  if (entries.length === 0) return html`<p class="none">No message.</p>`;
  let n = 0;
  return html`<ol class="timeline">
${entries.map((e) => {
  if (e.kind === 'reply') return replyHtml(e.reply, zone);
  const m = e.message;
  n += 1;
  return html`<li class="message" id="message-${n}">
<div class="meta"><strong>Message ${n}</strong> from ${m.from ?? 'unknown sender'} · ${bothZones(e.at, zone)}${
    m.state === 'processed' ? '' : html` · <span class="state">${m.state}</span>`
  }</div>
<div class="subject">${m.subject}</div>
<div class="text">${m.newText}</div>
</li>`;
})}
</ol>`;
}
