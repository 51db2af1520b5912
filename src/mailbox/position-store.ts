/** Where the source stands in a mailbox: UIDVALIDITY (a 32-bit number kept as a string) and the last UID handed over. */
export interface MailboxPosition {
  uidValidity: string;
  lastUid: number;
}

/**
 * Durable mailbox positions. The store implements it (`getMailboxState`/`setMailboxState`); `set` must be
 * durable when it resolves, because the source hands over only what comes after the stored UID.
 */
export interface MailboxPositionStore {
  get(mailbox: string): Promise<MailboxPosition | null>;
  set(mailbox: string, position: MailboxPosition): Promise<void>;
}

/** A position store in memory: for tests and throwaway runs (a restart starts from the whole mailbox). */
export function memoryPositionStore(initial: Record<string, MailboxPosition> = {}): MailboxPositionStore & {
  readonly positions: Map<string, MailboxPosition>;
} {
  const positions = new Map(Object.entries(initial));
  return {
    positions,
    async get(mailbox) {
      const p = positions.get(mailbox);
      return p ? { ...p } : null;
    },
    async set(mailbox, position) {
      positions.set(mailbox, { ...position });
    },
  };
}
