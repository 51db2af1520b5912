/** Reply and forward prefixes in the languages customers' clients use: Re, RE, Fwd, TR, AW, SV, RV, Réf… */
const REPLY_PREFIX = /^\s*(?:(?:re|r|aw|sv|antw|réf|ref|fwd?|tr|wg|rv|enc)\s?(?:\[\d+\])?\s?:\s*)+/i;

/** A reply or forward subject repeats an earlier message: it is not the customer's words (policy §5). */
export function isReplySubject(subject: string): boolean {
  return REPLY_PREFIX.test(subject);
}

export function stripReplyPrefixes(subject: string): string {
  return subject.replace(REPLY_PREFIX, '').trim();
}
