import type { Address, AutomaticVerdict, Language, SecretRef } from '../reader/inbound-message.js';
import type {
  AccessMethod,
  AckLevel,
  Backup,
  Component,
  Downtime,
  Os,
  PowerAuthorization,
  RequestType,
  Scenario,
  Window,
} from '../record/schema.js';
import type { Evidence, Extracted } from './evidence.js';

/** A value stated in one message, with the sentences it came from. */
export interface Stated<T> {
  value: T;
  evidence: Evidence[];
}

/**
 * Everything one message says, read from the customer's new text only. A field is `null` (or empty) when
 * the message does not mention it, so that merging keeps what earlier messages said.
 */
export interface MessageFacts {
  messageId: string;
  date: string | null;
  from: Address | null;
  subject: string;
  inReplyTo: string | null;
  references: string[];
  language: Language;
  automatic: AutomaticVerdict;
  authenticationResults: string[];
  secrets: SecretRef[];
  requestTypes: Extracted<RequestType>[];
  scenarios: Extracted<Scenario>[];
  server: { serviceIds: Extracted<string>[]; ips: Extracted<string>[]; hostnames: Extracted<string>[] };
  access: Extracted<AccessMethod>[];
  power: Stated<{ authorization: PowerAuthorization; windows: Window[]; limited: boolean }> | null;
  backup: Stated<Backup> | null;
  /** "No backup" said without accepting loss: a verbatim hardware acknowledgement must not override it. */
  noBackupStated: boolean;
  acknowledgements: { dataLoss: Stated<AckLevel> | null; hardware: Stated<AckLevel> | null };
  os: Stated<Os> | null;
  /** Partitioning or RAID given without naming the system (an answer to our question). */
  installOptions: Stated<{ partitioning: string | null; raid: string | null }> | null;
  components: Extracted<Component>[];
  /** Downtime accepted in so many words ("downtime is fine"); otherwise it follows the power authorization. */
  downtime: Stated<Downtime> | null;
  /** Usable slots given without a power word ("Sunday 1am-3am instead"): they set the windows of a
   * conversation whose power is already granted or limited. */
  proposedWindows: Window[];
  hotSwapQuestion: Stated<boolean> | null;
  /** Statements of this message that contradict each other (needs a person). */
  contradictions: string[];
  /** Warnings of the reader (parse problems) that a reviewer should see. */
  warnings: string[];
}

/** A message that states nothing yet: what extractors fill in, and what tests start from. */
export function blankFacts(): MessageFacts {
  return {
    messageId: '',
    date: null,
    from: null,
    subject: '',
    inReplyTo: null,
    references: [],
    language: 'en',
    automatic: { isAutomatic: false, reasons: [] },
    authenticationResults: [],
    secrets: [],
    requestTypes: [],
    scenarios: [],
    server: { serviceIds: [], ips: [], hostnames: [] },
    access: [],
    power: null,
    backup: null,
    noBackupStated: false,
    acknowledgements: { dataLoss: null, hardware: null },
    os: null,
    installOptions: null,
    components: [],
    downtime: null,
    proposedWindows: [],
    hotSwapQuestion: null,
    contradictions: [],
    warnings: [],
  };
}
