import type { Readable } from 'node:stream';
import { emptyThreadIndex, linkConversation, remember } from '../conversation/link.js';
import type { ConversationRecord } from '../conversation/record.js';
import type { CustomerDirectory } from '../directory/directory.js';
import type { Language } from '../reader/inbound-message.js';
import { createReader, type ReaderLimits } from '../reader/read-message.js';
import { type RuleBook, shippedRules } from '../rule-engine/load-rules.js';
import { createAdvance } from './advance.js';
import { type ParseLine, parseLine } from './parse-line.js';
import { createUnderstander } from './understand-message.js';

export interface PipelineOptions {
  rules?: RuleBook;
  provider: string;
  zone: string;
  providerDomains: readonly string[];
  ownAddresses: readonly string[];
  ownMessageIdDomains: readonly string[];
  defaultLanguage: Language;
  limits?: Partial<ReaderLimits>;
  directory?: CustomerDirectory | null;
  /** Authentication-Results authserv-ids written by our own mail servers: only theirs are believed. */
  trustedAuthservIds?: readonly string[];
}

export interface Pipeline {
  /** Reads one message and returns its conversation's state after it, as `parse --json` prints it. */
  process(raw: Buffer | Readable, file: string): Promise<ParseLine>;
}

/**
 * The offline pipeline: read → understand → link and merge → decide → compose, over messages taken in
 * order as if they had arrived in one mailbox. Conversations live in memory; the worker runs the same stages.
 */
export function createPipeline(options: PipelineOptions): Pipeline {
  const book = options.rules ?? shippedRules();
  const reader = createReader({
    rules: book,
    ownAddresses: options.ownAddresses,
    ownMessageIdDomains: options.ownMessageIdDomains,
    defaultLanguage: options.defaultLanguage,
    limits: options.limits,
  });
  const understand = createUnderstander(book, {
    provider: options.provider,
    zone: options.zone,
    providerDomains: options.providerDomains,
  });
  const advance = createAdvance(book, {
    provider: options.provider,
    directory: options.directory,
    trustedAuthservIds: options.trustedAuthservIds,
  });
  const index = emptyThreadIndex();
  const records = new Map<string, ConversationRecord>();

  return {
    async process(raw, file) {
      const { message } = await reader.read(raw);
      const facts = understand(message);
      const { id } = linkConversation(index, facts);
      const { record, decision, reply } = advance(id, records.get(id) ?? null, facts);
      if (!facts.automatic.isAutomatic) records.set(id, record);
      remember(index, id, [facts.messageId]);
      return parseLine(file, facts, record, decision, reply);
    },
  };
}
