import { Language } from '../reader/inbound-message.js';
import { DeskStatus } from '../record/desk-status.js';
import { REQUEST_TYPES } from '../record/schema.js';
import type { ConversationSummary } from '../store/store.js';
import { age, utcMinute } from './format.js';
import { html } from './html.js';
import { layout } from './layout.js';
import { FILTER_KEYS, type QueueQuery, queueHref } from './queue-query.js';
import { queueTabs, statusLabel } from './queue-tabs.js';

export { STATUS_ORDER } from './queue-tabs.js';

/** Each status's label (the record page shows it too). */
export const STATUS_LABELS = Object.fromEntries(DeskStatus.options.map((s) => [s, statusLabel(s)])) as Record<
  DeskStatus,
  string
>;

export interface QueueView {
  query: QueueQuery;
  rows: ConversationSummary[];
  /** Conversations matching the query, all pages. */
  total: number;
  /** Per status, under the same search and filters; `all` for every status. */
  counts: Record<DeskStatus | 'all', number>;
  /** Open quarantine entries (the Quarantine tab). */
  quarantined: number;
}

export interface QueuePageOptions {
  view: QueueView;
  signedIn: { email: string; csrf: string | null };
  now: number;
  /** The zone the date filters are read in. */
  timeZone: string;
}

/** The form's values as given (a refused query is shown back as typed, so that it can be corrected). */
export type FilterValues = Partial<Record<(typeof FILTER_KEYS)[number] | 'status', string>>;

function row(c: ConversationSummary, now: number) {
  return html`<tr>
<td class="id">${c.id}</td>
<td><span class="status status-${c.status}">${statusLabel(c.status)}</span></td>
<td>${c.requestTypes.length > 0 ? c.requestTypes.join(', ') : html`<span class="none">unknown</span>`}</td>
<td>${c.server ?? html`<span class="none">none</span>`}</td>
<td>${c.missing.length > 0 ? html`<ul class="missing">${c.missing.map((m) => html`<li>${m}</li>`)}</ul>` : html`<span class="none">nothing</span>`}</td>
<td class="subject"><a href="/conversations/${c.id}">${c.subject || '(no subject)'}</a><div class="customer">${c.customer ?? ''}</div></td>
<td>${c.lastCustomerMessageAt ? html`<time datetime="${c.lastCustomerMessageAt}">${utcMinute(c.lastCustomerMessageAt)}</time><div class="age">${age(c.lastCustomerMessageAt, now)}</div>` : ''}</td>
</tr>`;
}

function select(name: string, label: string, options: readonly string[], value: string | undefined) {
  return html`<label>${label} <select name="${name}"><option value="">any</option>${options.map(
    (o) => html`<option${o === value ? html` selected` : ''}>${o}</option>`,
  )}</select></label>`;
}

/** The queue's GET form: search and filters together, the current tab kept; no script needed. */
export function filterForm(values: FilterValues, timeZone: string) {
  return html`<form method="get" action="/" class="search filters">
${values.status ? html`<input type="hidden" name="status" value="${values.status}">` : ''}
<label>Search <input type="search" name="q" value="${values.q ?? ''}"></label>
${select('type', 'Type', REQUEST_TYPES, values.type)}
${select('language', 'Language', Language.options, values.language)}
<label>Server <input type="text" name="server" value="${values.server ?? ''}" placeholder="id, IP or host (or its start)"></label>
<label>Sender <input type="text" name="sender" value="${values.sender ?? ''}"></label>
<label>From <input type="date" name="from" value="${values.from ?? ''}"></label>
<label>To <input type="date" name="to" value="${values.to ?? ''}"></label>
<span class="zone">last customer message, ${timeZone}</span>
<button type="submit">Search</button>
${FILTER_KEYS.some((k) => values[k]) ? html`<a href="${values.status ? `/?status=${encodeURIComponent(values.status)}` : '/'}">Clear</a>` : ''}
</form>`;
}

function filterValues(query: QueueQuery): FilterValues {
  return { ...Object.fromEntries(FILTER_KEYS.map((k) => [k, query[k]])), status: query.status };
}

export function queuePage(options: QueuePageOptions): string {
  const { query, rows, total, counts, quarantined } = options.view;
  const pages = Math.max(1, Math.ceil(total / query.limit));
  const first = total === 0 ? 0 : (query.page - 1) * query.limit + 1;
  const last = Math.min(total, query.page * query.limit);
  return layout({
    title: query.status ? statusLabel(query.status) : 'Queue',
    signedIn: options.signedIn,
    body: html`<h1>Queue</h1>
${queueTabs({
  current: query.status ?? 'all',
  counts,
  quarantined,
  href: (status) => queueHref(query, { status, page: 1 }),
})}
${filterForm(filterValues(query), options.timeZone)}
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

/** A query the desk refused (400): the reason, and the form as it was filled in, to be corrected. */
export function queueErrorPage(options: {
  message: string;
  values: FilterValues;
  signedIn: { email: string; csrf: string | null };
  timeZone: string;
}): string {
  return layout({
    title: 'Queue',
    signedIn: options.signedIn,
    body: html`<h1>Queue</h1>
<p class="error" role="alert">The filters were not understood: ${options.message}</p>
${filterForm(options.values, options.timeZone)}
<p><a href="/">Show the whole queue</a></p>`,
  });
}

/** The tabs' counts (and the API's): the store's count of each status, and `all` for their sum. */
export function tabCounts(perStatus: Record<DeskStatus, number>): Record<DeskStatus | 'all', number> {
  let all = 0;
  for (const status of DeskStatus.options) all += perStatus[status];
  return { ...perStatus, all };
}
