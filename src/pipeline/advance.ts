import { type ComposedReply, composeReply, type Statements } from '../compose/compose-reply.js';
import { type ReplyTemplates, replyTemplates } from '../compose/reply-templates.js';
import { applyCorrections, withoutCorrections } from '../conversation/corrections.js';
import { mergeFacts } from '../conversation/merge.js';
import { type ConversationRecord, emptyRecord, type Sourced } from '../conversation/record.js';
import { type Decision, decide, type PolicyTable, policyTable } from '../decide/decide.js';
import { type CustomerDirectory, checkSender, dmarcFailed } from '../directory/directory.js';
import type { RuleBook } from '../rule-engine/load-rules.js';
import { canonicalStatements } from '../understand/acknowledgements.js';
import type { MessageFacts } from '../understand/message-facts.js';

export interface AdvanceOptions {
  provider: string;
  directory?: CustomerDirectory | null;
  /** Authentication-Results authserv-ids written by our own mail servers: only theirs are believed. */
  trustedAuthservIds?: readonly string[];
}

export interface Advanced {
  record: ConversationRecord;
  decision: Decision;
  reply: ComposedReply | null;
}

/** The stages after understanding, for one message: merge, check the sender, decide, compose. Pure. */
export type Advance = (
  conversationId: string,
  stored: ConversationRecord | null,
  facts: MessageFacts,
) => Advanced;

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
 * Compiles what the stages need once (templates, statements, policy table) and returns the pure step that
 * both `intake parse` and the worker run: the worker inside its store transaction, parse in memory.
 */
export function createAdvance(book: RuleBook, options: AdvanceOptions): Advance {
  const templates: ReplyTemplates = replyTemplates(book);
  const policy: PolicyTable = policyTable(book);
  const catalog = canonicalStatements(book, options.provider);
  const statements = Object.fromEntries(
    Object.entries(catalog).map(([id, s]) => [id, { fr: s.fr, en: s.en }]),
  ) as Statements;

  return (conversationId, stored, facts) => {
    const automatic = facts.automatic.isAutomatic;
    // Messages merge into what the messages said; staff corrections go back on top before deciding.
    let record = stored ? withoutCorrections(stored) : emptyRecord(conversationId);
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
    record = applyCorrections(record);
    if (!automatic && dmarcFailed(facts.authenticationResults, options.trustedAuthservIds ?? [])) {
      senderProblems.push('dmarc_fail');
    }

    const decision = decide(record, policy, {
      automatic,
      contradictions: facts.contradictions,
      senderProblems,
      unreadable: false,
    });
    let reply: ComposedReply | null = null;
    // One reply per change of what is missing: the same incomplete message sent three times gets one.
    if (
      decision.status === 'awaiting_customer' &&
      !sameSet(decision.missing, record.repliedMissing) &&
      facts.from
    ) {
      reply = composeReply(
        {
          ticket: conversationId,
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
    return { record: automatic ? (stored ?? record) : record, decision, reply };
  };
}
