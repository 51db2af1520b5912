import { RuleLoadError } from '../errors.js';
import { type CompiledRule, firstMatch, withTag } from '../rule-engine/compiled-rule.js';
import type { RuleBook } from '../rule-engine/load-rules.js';
import type { ExtraAutoHeaders } from './auto-signals.js';
import {
  AUTOMATIC_REASONS,
  type AutomaticReason,
  type AutomaticVerdict,
  type AutoSignals,
} from './inbound-message.js';

export interface AutomaticRules {
  readonly oooSubject: readonly CompiledRule[];
  readonly systemSender: readonly CompiledRule[];
  readonly autoresponderMailer: readonly CompiledRule[];
}

export interface AutomaticInput {
  signals: AutoSignals;
  from: { address: string; name: string } | null;
  /** The decoded Subject; only the part a rule matched is ever repeated in a detail. */
  subject: string;
  messageId: string | null;
  /** A message/delivery-status or message/disposition-notification part was found in the body. */
  hasDeliveryStatusPart?: boolean;
  /** Vendor autoresponder headers `AutoSignals` has no field for (`extractExtraAutoHeaders`). */
  extraHeaders?: ExtraAutoHeaders;
}

export interface AutomaticOptions {
  /** Addresses we send from; a message from one of them, or looped through one (X-Loop), is our own. */
  ownAddresses: readonly string[];
  /** Domains of the Message-IDs we generate (`<…@intake.hosting.example>`). */
  ownMessageIdDomains: readonly string[];
}

export const AUTOMATIC_RULE_SET = 'reader/automatic';

/** The rules of `reader/automatic`, by tag; a file missing a kind of rule is a load error, not a silent gap. */
export function automaticRules(book: RuleBook): AutomaticRules {
  const rules = book.patterns(AUTOMATIC_RULE_SET);
  const tagged = (tag: string) => withTag(rules, tag);
  const result: AutomaticRules = {
    oooSubject: tagged('ooo-subject'),
    systemSender: tagged('system-sender'),
    autoresponderMailer: tagged('autoresponder-mailer'),
  };
  const empty = Object.entries({
    'ooo-subject': result.oooSubject,
    'system-sender': result.systemSender,
  }).filter(([, list]) => list.length === 0);
  if (empty.length > 0) {
    throw new RuleLoadError(
      empty.map(([tag]) => `${book.dir}: ${AUTOMATIC_RULE_SET}.yml has no rule tagged "${tag}"`),
    );
  }
  return result;
}

// Details land in records and logs: one short line each, no control characters.
const MAX_DETAIL_VALUE = 160;
function shown(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  const flat = value.replace(/[\u0000-\u001f\u007f\s]+/g, ' ').trim();
  if (flat === '') return '(empty)';
  return flat.length > MAX_DETAIL_VALUE ? `${flat.slice(0, MAX_DETAIL_VALUE)}…` : flat;
}

/** The keyword of each value of a header such as Precedence or Auto-Submitted: comments, `;` parameters and
 * anything after the first word dropped. */
function keywords(value: string): string[] {
  return value
    .split(',')
    .map((part) =>
      part
        .replace(/\([^()]*\)/g, ' ')
        .split(';', 1)[0]!
        .trim()
        .split(/\s+/, 1)[0]!
        .toLowerCase(),
    )
    .filter((part) => part !== '');
}

const BULK_PRECEDENCE = new Set(['bulk', 'list', 'junk', 'auto_reply', 'auto-reply']);
const MAX_SUBJECT_CHARS = 500;
const ADDRESS_IN_TEXT = /[^\s<>,;:"()[\]]{1,200}@[^\s<>,;:"()[\]]{1,255}/g;

function localPart(address: string): string {
  const at = address.lastIndexOf('@');
  return (at < 0 ? address : address.slice(0, at)).trim();
}

function messageIdDomain(messageId: string): string {
  const bare = messageId.trim().replace(/^<|>$/g, '');
  const at = bare.lastIndexOf('@');
  return at < 0
    ? ''
    : bare
        .slice(at + 1)
        .trim()
        .toLowerCase();
}

/**
 * Decides whether a message was written by a machine (RFC 3834 and what helpdesks learned), so that it is
 * never answered. Every reason that applies is listed once, in `AUTOMATIC_REASONS` order, with the evidence.
 */
export function detectAutomatic(
  input: AutomaticInput,
  rules: AutomaticRules,
  options: AutomaticOptions,
): AutomaticVerdict {
  const found = new Map<AutomaticReason, string[]>();
  const add = (code: AutomaticReason, detail: string) => {
    const list = found.get(code);
    if (list) list.push(detail);
    else found.set(code, [detail]);
  };
  const { signals } = input;
  const extra = input.extraHeaders ?? {};
  const own = new Set(options.ownAddresses.map((a) => a.trim().toLowerCase()).filter((a) => a !== ''));

  if (signals.autoSubmitted !== null) {
    const words = keywords(signals.autoSubmitted);
    // RFC 3834 defines "no" as the only value meaning "a person wrote this"; anything else, a malformed or
    // empty value included, is read as automatic rather than risk answering a robot.
    if (words.length === 0 || words.some((word) => word !== 'no')) {
      add('auto_submitted', `Auto-Submitted: ${shown(signals.autoSubmitted)}`);
    }
  }

  const precedence: Array<[string, string | null | undefined]> = [
    ['Precedence', signals.precedence],
    ...(extra['x-precedence'] ?? []).map((v): [string, string] => ['X-Precedence', v]),
  ];
  for (const [name, value] of precedence) {
    if (value != null && keywords(value).some((word) => BULK_PRECEDENCE.has(word))) {
      add('precedence', `${name}: ${shown(value)}`);
    }
  }

  if (signals.listId !== null) add('list_headers', `List-Id: ${shown(signals.listId)}`);
  if (signals.listUnsubscribe !== null) {
    add('list_headers', `List-Unsubscribe: ${shown(signals.listUnsubscribe)}`);
  }

  if (signals.xAutoResponseSuppress !== null) {
    add(
      'x_auto_response_suppress',
      `X-Auto-Response-Suppress: ${shown(signals.xAutoResponseSuppress)} (the sender asks for no automatic ` +
        'answer; Exchange sets it on its own auto-replies but Outlook also on some mail a person wrote)',
    );
  }

  if (signals.xAutoreply !== null) add('x_autoreply', `X-Autoreply: ${shown(signals.xAutoreply)}`);
  if (signals.xAutoReply !== null) add('x_autoreply', `X-Auto-Reply: ${shown(signals.xAutoReply)}`);
  for (const value of extra['x-autorespond'] ?? []) add('x_autoreply', `X-Autorespond: ${shown(value)}`);
  for (const value of extra['x-autogenerated'] ?? []) {
    // "Forward", "Group", "Mirror" and "Redirect" are copies of mail a person may have written.
    if (/\breply\b/i.test(value)) add('x_autoreply', `X-Autogenerated: ${shown(value)}`);
  }
  for (const value of extra['x-post-messageclass'] ?? []) {
    if (/\bautoresponder\b/i.test(value)) add('x_autoreply', `X-POST-MessageClass: ${shown(value)}`);
  }
  for (const value of extra['delivered-to'] ?? []) {
    if (/^\s*[<"]?autoresponder\b/i.test(value)) add('x_autoreply', `Delivered-To: ${shown(value)}`);
  }
  for (const value of extra['x-mailer'] ?? []) {
    const hit = firstMatch(rules.autoresponderMailer, value.slice(0, MAX_SUBJECT_CHARS));
    if (hit) add('x_autoreply', `X-Mailer: ${shown(value)} (rule ${hit.rule.id})`);
  }

  if (signals.returnPath !== null) {
    if (signals.returnPath.trim() === '') add('null_return_path', 'Return-Path: <>');
    // Sendmail writes the null sender of a bounce as <MAILER-DAEMON> on delivery.
    else if (/^mailer-daemon(?:@|$)/i.test(signals.returnPath.trim())) {
      add('null_return_path', `Return-Path: <${shown(signals.returnPath)}> (how some servers write <>)`);
    }
  }

  const fromAddress = input.from?.address.trim() ?? '';
  if (fromAddress !== '') {
    const hit = firstMatch(rules.systemSender, localPart(fromAddress).slice(0, 320));
    if (hit) add('system_sender', `From: ${shown(fromAddress)} (rule ${hit.rule.id})`);
  }

  if (signals.contentType === 'multipart/report') {
    // Every multipart/report (RFC 6522) is machine-written; delivery and read reports are the usual ones,
    // but abuse feedback and TLS reports are no more answerable.
    add('delivery_report', `Content-Type: multipart/report; report-type=${shown(signals.reportType ?? '')}`);
  }
  if (input.hasDeliveryStatusPart) add('delivery_report', 'a delivery or disposition status part');

  const subject = input.subject.normalize('NFC').slice(0, MAX_SUBJECT_CHARS);
  const ooo = firstMatch(rules.oooSubject, subject);
  if (ooo) add('out_of_office_subject', `Subject starts "${shown(ooo.match[0])}" (rule ${ooo.rule.id})`);

  if (fromAddress !== '' && own.has(fromAddress.toLowerCase())) {
    add('own_address', `From: ${shown(fromAddress)} is one of our own addresses`);
  }
  for (const value of extra['x-loop'] ?? []) {
    const named = (value.match(ADDRESS_IN_TEXT) ?? []).some((a) => own.has(a.toLowerCase()));
    // Other systems' X-Loop values say nothing about us; ours means the message has been through us.
    if (named) add('own_address', `X-Loop: ${shown(value)} names one of our own addresses`);
  }

  if (input.messageId !== null) {
    const domain = messageIdDomain(input.messageId);
    const ownDomains = options.ownMessageIdDomains.map((d) => d.trim().replace(/^@/, '').toLowerCase());
    if (domain !== '' && ownDomains.includes(domain)) {
      add('own_message_id', `Message-ID: ${shown(input.messageId)} is in our domain ${domain}`);
    }
  }

  const reasons = AUTOMATIC_REASONS.flatMap((code) => {
    const details = found.get(code);
    return details ? [{ code, detail: details.join('; ') }] : [];
  });
  return { isAutomatic: reasons.length > 0, reasons };
}
