import type { Readable } from 'node:stream';
import { composeReply, type Statements } from '../compose/compose-reply.js';
import { replyTemplates } from '../compose/reply-templates.js';
import { emptyThreadIndex, linkConversation, remember } from '../conversation/link.js';
import { mergeFacts } from '../conversation/merge.js';
import { type ConversationRecord, emptyRecord, type Sourced } from '../conversation/record.js';
import { decide, policyTable } from '../decide/decide.js';
import { type CustomerDirectory, checkSender, dmarcFailed } from '../directory/directory.js';
import type { Language } from '../reader/inbound-message.js';
import { createReader, type ReaderLimits } from '../reader/read-message.js';
import { type RuleBook, shippedRules } from '../rule-engine/load-rules.js';
import { canonicalStatements } from '../understand/acknowledgements.js';
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

const sameSet = (a: readonly string[], b: readonly string[] | null) =>
  b !== null && a.length === b.length && a.every((x) => b.includes(x));

function addFilled(list: Sourced<string>[], values: readonly string[]): Sourced<string>[] {
  const seen = new Set(list.map((s) => s.value.toLowerCase()));
  const out = [...list];
  for (const value of values) {
    if (seen.has(value.toLowerCase())) continue;
    seen.add(value.toLowerCase());
    out.push({ value, messageId: null, evidence: [{ text: 'customer directory', start: 0, end: 0 }] });
  }
  return out;
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
  const templates = replyTemplates(book);
  const policy = policyTable(book);
  const catalog = canonicalStatements(book, options.provider);
  const statements = Object.fromEntries(
    Object.entries(catalog).map(([id, s]) => [id, { fr: s.fr, en: s.en }]),
  ) as Statements;
  const index = emptyThreadIndex();
  const records = new Map<string, ConversationRecord>();

  return {
    async process(raw, file) {
      const { message } = await reader.read(raw);
      const facts = understand(message);
      const { id } = linkConversation(index, facts);
      const automatic = facts.automatic.isAutomatic;
      let record = records.get(id) ?? emptyRecord(id);
      if (!automatic) record = mergeFacts(record, facts);

      const senderProblems: string[] = [];
      if (!automatic && options.directory) {
        const check = checkSender(
          options.directory,
          {
            serviceIds: record.serviceIds.map((s) => s.value),
            ips: record.ips.map((s) => s.value),
            hostnames: record.hostnames.map((s) => s.value),
          },
          facts.from?.address ?? null,
        );
        senderProblems.push(...check.problems);
        record = {
          ...record,
          serviceIds: addFilled(record.serviceIds, check.fill.serviceIds),
          ips: addFilled(record.ips, check.fill.ips),
          hostnames: addFilled(record.hostnames, check.fill.hostnames),
        };
      }
      if (!automatic && dmarcFailed(facts.authenticationResults, options.trustedAuthservIds ?? []))
        senderProblems.push('dmarc_fail');

      const decision = decide(record, policy, {
        automatic,
        contradictions: facts.contradictions,
        senderProblems,
        unreadable: false,
      });
      let reply = null;
      // One reply per change of what is missing: the same incomplete message sent three times gets one.
      if (
        decision.status === 'awaiting_customer' &&
        !sameSet(decision.missing, record.repliedMissing) &&
        facts.from
      ) {
        reply = composeReply(
          {
            ticket: id,
            language: record.language,
            provider: options.provider,
            to: facts.from.address,
            subject: facts.subject,
            messageId: facts.messageId,
            references: facts.references,
            missing: decision.missing,
            recommended: decision.recommended,
            hotSwapQuestion: facts.hotSwapQuestion?.value ?? false,
          },
          templates,
          statements,
        );
        record = { ...record, repliedMissing: decision.missing };
      }
      if (!automatic) records.set(id, record);
      remember(index, id, [facts.messageId]);
      return parseLine(file, facts, record, decision, reply);
    },
  };
}
