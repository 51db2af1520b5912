/**
 * Every error the service raises carries a stable `code` (what operators and tests match on) and, when it
 * wraps another failure, that failure as `cause`.
 */
export class IntakeError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IntakeError';
    this.code = code;
  }
}

export const MESSAGE_PARSE_ERROR_CODES = [
  'message_empty',
  'message_too_large',
  'message_not_rfc5322',
  'mime_unreadable',
  'read_failed',
] as const;
export type MessageParseErrorCode = (typeof MESSAGE_PARSE_ERROR_CODES)[number];

/** A raw message that cannot be turned into an `InboundMessage` at all (anything less is a warning). */
export class MessageParseError extends IntakeError {
  declare readonly code: MessageParseErrorCode;

  constructor(code: MessageParseErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'MessageParseError';
  }
}

/** A rule file that does not load: the message names the file, the line and the field. */
export class RuleLoadError extends IntakeError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[], options?: { cause?: unknown }) {
    super('rules_invalid', `rules are invalid:\n  ${problems.join('\n  ')}`, options);
    this.name = 'RuleLoadError';
    this.problems = problems;
  }
}

export class ConfigError extends IntakeError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super('config_invalid', `configuration is invalid:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
