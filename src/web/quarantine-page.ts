import type { Status } from '../record/schema.js';
import type { QuarantineRecord } from '../store/store.js';
import type { ReplayResult } from '../worker/replay.js';
import { utcMinute, zonedMinute } from './format.js';
import { html } from './html.js';
import { layout } from './layout.js';
import { queueTabs } from './queue-tabs.js';

export const QUARANTINE_PAGE_SIZE = 50;

export interface QuarantineQuery {
  includeResolved: boolean;
  page: number;
  limit: number;
}

export interface QuarantineView {
  query: QuarantineQuery;
  entries: QuarantineRecord[];
  /** Entries shown under the toggle, all pages. */
  total: number;
  /** The status tabs' counts (no filter) and the open entries. */
  counts: Record<Status | 'all', number>;
  quarantined: number;
}

export interface QuarantinePageOptions {
  view: QuarantineView;
  signedIn: { email: string; csrf: string | null };
  timeZone: string;
  /** False when the desk has no mailbox and queue to put a message back into. */
  canReprocess: boolean;
}

export function quarantineHref(query: QuarantineQuery, change: Partial<QuarantineQuery>): string {
  const next = { ...query, ...change };
  const params = new URLSearchParams();
  if (next.includeResolved) params.set('resolved', '1');
  if (next.page > 1) params.set('page', String(next.page));
  if (next.limit !== QUARANTINE_PAGE_SIZE) params.set('limit', String(next.limit));
  const text = params.toString();
  return text ? `/quarantine?${text}` : '/quarantine';
}

const UNAVAILABLE =
  'Reprocessing is off: this desk was started without the mailbox (INTAKE_IMAP_URL) and the ingest queue ' +
  '(REDIS_URL) it needs. Run `intake replay MESSAGE-ID` where the worker runs, or give the desk both.';

function action(entry: QuarantineRecord, options: QuarantinePageOptions) {
  if (entry.resolvedAt) return html`<span class="none">resolved ${utcMinute(entry.resolvedAt)}</span>`;
  const csrf = options.signedIn.csrf;
  // A bearer token has no session, hence no form token: the API route is its way.
  if (!options.canReprocess || csrf === null) {
    return html`<button type="button" disabled title="${options.canReprocess ? 'Use the API with a token.' : UNAVAILABLE}">Reprocess</button>`;
  }
  return html`<form method="post" action="/quarantine/${entry.id}/reprocess" class="reprocess"><input type="hidden" name="csrf" value="${csrf}"><button type="submit">Reprocess</button></form>`;
}

function row(entry: QuarantineRecord, options: QuarantinePageOptions) {
  return html`<tr>
<td class="id">${entry.id}</td>
<td><time datetime="${entry.createdAt}">${zonedMinute(entry.createdAt, options.timeZone)}</time><div class="age">${utcMinute(entry.createdAt)}</div></td>
<td><code>${entry.code}</code></td>
<td>${entry.reason}</td>
<td class="message-id">${entry.messageId ?? html`<span class="none">none</span>`}</td>
<td>${entry.mailbox}<div class="age">UIDVALIDITY ${entry.uidValidity}, UID ${entry.uid ?? '?'}</div></td>
<td>${action(entry, options)}</td>
</tr>`;
}

export function quarantinePage(options: QuarantinePageOptions): string {
  const { query, entries, total, counts, quarantined } = options.view;
  const pages = Math.max(1, Math.ceil(total / query.limit));
  return layout({
    title: 'Quarantine',
    signedIn: options.signedIn,
    body: html`<h1>Queue</h1>
${queueTabs({
  current: 'quarantine',
  counts,
  quarantined,
  href: (status) => (status ? `/?status=${status}` : '/'),
})}
<p>Messages that could not be read, newest first. Reprocessing puts one back in the watched mailbox and on the ingest queue, once the cause is fixed.</p>
${options.canReprocess ? '' : html`<p class="error" role="status">${UNAVAILABLE}</p>`}
<p class="toggle">${
      query.includeResolved
        ? html`Showing resolved entries too. <a href="${quarantineHref(query, { includeResolved: false, page: 1 })}">Open entries only</a>`
        : html`Showing open entries. <a href="${quarantineHref(query, { includeResolved: true, page: 1 })}">Include resolved entries</a>`
    }</p>
<p class="range">${total === 0 ? 'Nothing in quarantine.' : `${total} ${total === 1 ? 'entry' : 'entries'}`}</p>
${
  entries.length === 0
    ? ''
    : html`<table class="queue quarantine">
<thead><tr><th>Id</th><th>When</th><th>Code</th><th>Reason</th><th>Message-ID</th><th>Mailbox / UID</th><th></th></tr></thead>
<tbody>
${entries.map((e) => row(e, options))}
</tbody>
</table>`
}
<nav class="pages">
${query.page > 1 ? html`<a rel="prev" href="${quarantineHref(query, { page: query.page - 1 })}">Newer</a>` : ''}
<span>Page ${query.page} of ${pages}</span>
${query.page < pages ? html`<a rel="next" href="${quarantineHref(query, { page: query.page + 1 })}">Older</a>` : ''}
</nav>`,
  });
}

/** What became of a Reprocess click. */
export function reprocessResultPage(options: {
  entry: QuarantineRecord;
  result: ReplayResult;
  signedIn: { email: string; csrf: string | null };
}): string {
  const { entry, result } = options;
  const requeued = result.action === 'requeued';
  return layout({
    title: 'Reprocess',
    signedIn: options.signedIn,
    body: html`<h1>Quarantine entry ${entry.id}</h1>
<p class="${requeued ? 'done' : 'error'}" role="status"><strong>${result.action}</strong>: ${result.detail}</p>
<p><a href="/quarantine">Back to the quarantine</a></p>`,
  });
}
