import { z } from 'zod';

export const Address = z.object({
  name: z.string(),
  address: z.string(),
});
export type Address = z.infer<typeof Address>;

export const Warning = z.object({
  code: z.string(),
  message: z.string(),
});
export type Warning = z.infer<typeof Warning>;

export const AUTOMATIC_REASONS = [
  'auto_submitted',
  'precedence',
  'list_headers',
  'x_auto_response_suppress',
  'x_autoreply',
  'null_return_path',
  'system_sender',
  'delivery_report',
  'out_of_office_subject',
  'own_address',
  'own_message_id',
] as const;
export const AutomaticReason = z.enum(AUTOMATIC_REASONS);
export type AutomaticReason = z.infer<typeof AutomaticReason>;

/** The raw header values that section 8 of the policy decides on, kept so a reviewer sees why. */
export const AutoSignals = z.object({
  autoSubmitted: z.string().nullable(),
  precedence: z.string().nullable(),
  listId: z.string().nullable(),
  listUnsubscribe: z.string().nullable(),
  xAutoResponseSuppress: z.string().nullable(),
  xAutoreply: z.string().nullable(),
  xAutoReply: z.string().nullable(),
  returnPath: z.string().nullable(),
  contentType: z.string().nullable(),
  reportType: z.string().nullable(),
});
export type AutoSignals = z.infer<typeof AutoSignals>;

export const AutomaticVerdict = z.object({
  isAutomatic: z.boolean(),
  reasons: z.array(z.object({ code: AutomaticReason, detail: z.string() })),
});
export type AutomaticVerdict = z.infer<typeof AutomaticVerdict>;

export const QuotedPart = z.object({
  /** `reply`: an earlier message under an attribution or header block; `forward`: a forwarded message;
   * `inline`: `>` lines the customer answered between. */
  kind: z.enum(['reply', 'forward', 'inline']),
  /** The attribution line or header block that introduced it, when there was one. */
  header: z.string().nullable(),
  text: z.string(),
});
export type QuotedPart = z.infer<typeof QuotedPart>;

export const Attachment = z.object({
  filename: z.string().nullable(),
  contentType: z.string(),
  disposition: z.string().nullable(),
  contentId: z.string().nullable(),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type Attachment = z.infer<typeof Attachment>;

export const SECRET_KINDS = ['password', 'ipmi_password'] as const;
export const SecretKind = z.enum(SECRET_KINDS);
export type SecretKind = z.infer<typeof SecretKind>;

/** What the message says about a secret, without the secret: the value lives in a `SecretValue`. */
export const SecretRef = z.object({
  placeholder: z.string().regex(/^\[\[SECRET-\d+\]\]$/),
  kind: SecretKind,
  /** The label the customer wrote before it (« mot de passe root », "pw"), for a reviewer. */
  label: z.string(),
  /** The user name given with it, when there was one; user names are not secret. */
  username: z.string().nullable(),
  /** Where the first occurrence was: the customer's new text, or an earlier message quoted below it. */
  foundIn: z.enum(['new_text', 'quoted', 'signature', 'subject']),
});
export type SecretRef = z.infer<typeof SecretRef>;

export const Language = z.enum(['fr', 'en']);
export type Language = z.infer<typeof Language>;

/**
 * A raw RFC 5322 message read into what later stages need. It holds no secret value (secrets are replaced
 * by placeholders everywhere in it), so it can be logged, stored and printed as it is.
 */
export const InboundMessage = z.object({
  messageId: z.string().nullable(),
  date: z.string().nullable(),
  from: Address.nullable(),
  replyTo: z.array(Address),
  to: z.array(Address),
  cc: z.array(Address),
  subject: z.string(),
  inReplyTo: z.string().nullable(),
  references: z.array(z.string()),
  autoSignals: AutoSignals,
  automatic: AutomaticVerdict,
  authenticationResults: z.array(z.string()),
  /** Where `text` came from: the text/plain part, the HTML part converted, or nothing readable. */
  textSource: z.enum(['plain', 'html', 'none']),
  /** The whole readable body, line endings normalised, secrets replaced by placeholders. */
  text: z.string(),
  /** What the customer wrote this time: no quotes, forwards or signature; inline answers included. */
  newText: z.string(),
  quoted: z.array(QuotedPart),
  signature: z.string().nullable(),
  language: Language,
  attachments: z.array(Attachment),
  secrets: z.array(SecretRef),
  warnings: z.array(Warning),
  size: z.number().int().nonnegative(),
});
export type InboundMessage = z.infer<typeof InboundMessage>;
