/** Which conversation a message belongs to, from our ticket reference and the threading headers. */
export interface ThreadIndex {
  /** Message-ID → conversation id, for every message seen (ours included, when we send replies). */
  readonly byMessageId: Map<string, string>;
  readonly known: Set<string>;
}

export function emptyThreadIndex(): ThreadIndex {
  return { byMessageId: new Map(), known: new Set() };
}

export const TICKET_PATTERN = /\[?\b(INT-\d{6,})\b\]?/;
const TICKET_NUMBER = /^INT-(\d{6,})$/;

export function formatTicket(n: number): string {
  return `INT-${String(n).padStart(6, '0')}`;
}

export interface ThreadHeaders {
  messageId: string;
  subject: string;
  inReplyTo: string | null;
  references: readonly string[];
}

/**
 * The conversation of a message: the ticket reference in its subject first (a customer may answer from
 * another client, which loses the headers), then its In-Reply-To, then any of its References (newest
 * first); otherwise a new conversation numbered after the highest one known.
 */
export function linkConversation(index: ThreadIndex, headers: ThreadHeaders): { id: string; isNew: boolean } {
  const ticket = TICKET_PATTERN.exec(headers.subject)?.[1];
  if (ticket) return { id: ticket, isNew: !index.known.has(ticket) };
  for (const ref of [headers.inReplyTo, ...[...headers.references].reverse()]) {
    const id = ref ? index.byMessageId.get(ref) : undefined;
    if (id) return { id, isNew: false };
  }
  let max = 0;
  for (const id of index.known) max = Math.max(max, Number(TICKET_NUMBER.exec(id)?.[1] ?? 0));
  return { id: formatTicket(max + 1), isNew: true };
}

export function remember(index: ThreadIndex, conversation: string, messageIds: readonly string[]): void {
  index.known.add(conversation);
  for (const id of messageIds) index.byMessageId.set(id, conversation);
}
