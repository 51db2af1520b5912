import type { DeskStatus } from '../record/desk-status.js';
import { html } from './html.js';

/**
 * The queue's tabs, in the order staff act on them; a status added to the record's vocabulary gets its tab
 * with one line here.
 */
export const STATUS_TABS: readonly { status: DeskStatus; label: string }[] = [
  { status: 'ready', label: 'Ready' },
  { status: 'needs_review', label: 'Needs review' },
  { status: 'awaiting_customer', label: 'Awaiting customer' },
  { status: 'scheduled', label: 'Scheduled' },
  { status: 'done', label: 'Done' },
  { status: 'ignored', label: 'Ignored' },
];

export const STATUS_ORDER: readonly DeskStatus[] = STATUS_TABS.map((t) => t.status);

/** A status's label; the status itself for one without a tab yet. */
export function statusLabel(status: DeskStatus): string {
  return STATUS_TABS.find((t) => t.status === status)?.label ?? status;
}

export interface QueueTabsOptions {
  /** The tab shown: a status, `all`, or `quarantine`. */
  current: DeskStatus | 'all' | 'quarantine';
  counts: Partial<Record<DeskStatus | 'all', number>>;
  quarantined: number;
  /** The link of a status tab (`undefined`: every status), so that the queue's filters follow it. */
  href: (status: DeskStatus | undefined) => string;
}

export function queueTabs(options: QueueTabsOptions) {
  const tab = (href: string, current: boolean, label: string, count: number) =>
    html`<li><a href="${href}"${current ? html` aria-current="page"` : ''}>${label} <span class="count">${count}</span></a></li>`;
  return html`<nav class="tabs"><ul>
${tab(options.href(undefined), options.current === 'all', 'All', options.counts.all ?? 0)}
${STATUS_TABS.map((t) => tab(options.href(t.status), options.current === t.status, t.label, options.counts[t.status] ?? 0))}
${tab('/quarantine', options.current === 'quarantine', 'Quarantine', options.quarantined)}
</ul></nav>`;
}
