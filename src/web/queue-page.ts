import { DeskStatus } from '../record/desk-status.js';
import type { ConversationSummary } from '../store/store.js';
import { age, utcMinute } from './format.js';
import { html } from './html.js';
import { layout } from './layout.js';
import { type QueueQuery, queueHref } from './queue-query.js';

export const STATUS_LABELS: Record<DeskStatus, string> = {
  ready: 'Ready',
  awaiting_customer: 'Awaiting customer',
  needs_review: 'Needs review',
  ignored: 'Ignored',
  scheduled: 'Scheduled',
  done: 'Done',
};
/** The order of the tabs: what staff act on first. */
export const STATUS_ORDER: readonly DeskStatus[] = [
  'ready',
  'needs_review',
  'awaiting_customer',
  'scheduled',
  'done',
  'ignored',
];

export interface QueueView {
  query: QueueQuery;
  rows: ConversationSummary[];
  /** Conversations matching the query, all pages. */
  total: number;
  /** Per status, with the same text search; `all` for every status. */
  counts: Record<DeskStatus | 'all', number>;
}

export interface QueuePageOptions {
  view: QueueView;
  signedIn: { email: string; csrf: string | null };
  now: number;
}

function row(c: ConversationSummary, now: number) {
  return html`<tr>
<td class="id">${c.id}</td>
<td><span class="status status-${c.status}">${STATUS_LABELS[c.status]}</span></td>
<td>${c.requestTypes.length > 0 ? c.requestTypes.join(', ') : html`<span class="none">unknown</span>`}</td>
<td>${c.server ?? html`<span class="none">none</span>`}</td>
<td>${c.missing.length > 0 ? html`<ul class="missing">${c.missing.map((m) => html`<li>${m}</li>`)}</ul>` : html`<span class="none">nothing</span>`}</td>
<td class="subject"><a href="/conversations/${c.id}">${c.subject || '(no subject)'}</a><div class="customer">${c.customer ?? ''}</div></td>
<td>${c.lastCustomerMessageAt ? html`<time datetime="${c.lastCustomerMessageAt}">${utcMinute(c.lastCustomerMessageAt)}</time><div class="age">${age(c.lastCustomerMessageAt, now)}</div>` : ''}</td>
</tr>`;
}

export function queuePage(options: QueuePageOptions): string {
  const { query, rows, total, counts } = options.view;
  const tab = (status: DeskStatus | undefined, label: string, count: number) =>
    html`<li><a href="${queueHref(query, { status, page: 1 })}"${query.status === status ? html` aria-current="page"` : ''}>${label} <span class="count">${count}</span></a></li>`;
  const pages = Math.max(1, Math.ceil(total / query.limit));
  const first = total === 0 ? 0 : (query.page - 1) * query.limit + 1;
  const last = Math.min(total, query.page * query.limit);
  return layout({
    title: query.status ? STATUS_LABELS[query.status] : 'Queue',
    signedIn: options.signedIn,
    body: html`<h1>Queue</h1>
<nav class="tabs"><ul>
${tab(undefined, 'All', counts.all)}
${STATUS_ORDER.map((s) => tab(s, STATUS_LABELS[s], counts[s]))}
</ul></nav>
<form method="get" action="/" class="search">
${query.status ? html`<input type="hidden" name="status" value="${query.status}">` : ''}
<label>Search <input type="search" name="q" value="${query.q ?? ''}"></label>
<button type="submit">Search</button>
</form>
<p class="range">${total === 0 ? 'No conversations.' : `${first}–${last} of ${total}, newest first`}</p>
${
  rows.length === 0
    ? ''
    : html`<table class="queue">
<thead><tr><th>Id</th><th>Status</th><th>Type</th><th>Server</th><th>Missing</th><th>Subject</th><th>Last customer message</th></tr></thead>
<tbody>
${rows.map((c) => row(c, options.now))}
</tbody>
</table>`
}
<nav class="pages">
${query.page > 1 ? html`<a rel="prev" href="${queueHref(query, { page: query.page - 1 })}">Newer</a>` : ''}
<span>Page ${query.page} of ${pages}</span>
${query.page < pages ? html`<a rel="next" href="${queueHref(query, { page: query.page + 1 })}">Older</a>` : ''}
</nav>`,
  });
}

/** Counts keyed by status, for the tabs and the API. */
export function emptyCounts(): Record<DeskStatus | 'all', number> {
  return { all: 0, ...Object.fromEntries(DeskStatus.options.map((s) => [s, 0])) } as Record<
    DeskStatus | 'all',
    number
  >;
}
