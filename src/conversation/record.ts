import type { Address, Language } from '../reader/inbound-message.js';
import type {
  AccessMethod,
  AckLevel,
  Backup,
  Component,
  Downtime,
  MissingId,
  Os,
  PowerAuthorization,
  RequestType,
  Scenario,
  Window,
} from '../record/schema.js';
import type { Evidence } from '../understand/evidence.js';
import type { Corrections } from './corrections.js';

/** A value of the record and where it came from: the message and its sentences. */
export interface Sourced<T> {
  value: T;
  messageId: string | null;
  evidence: Evidence[];
}

export interface PowerValue {
  authorization: PowerAuthorization;
  windows: Window[];
  limited: boolean;
}

/** A conversation's record: what the customer has said so far, field by field. */
export interface ConversationRecord {
  id: string;
  messageIds: string[];
  customer: Address | null;
  subject: string;
  language: Language;
  requestTypes: Sourced<RequestType>[];
  scenarios: Sourced<Scenario>[];
  serviceIds: Sourced<string>[];
  ips: Sourced<string>[];
  hostnames: Sourced<string>[];
  access: Sourced<AccessMethod>[];
  power: Sourced<PowerValue>;
  backup: Sourced<Backup>;
  noBackupStated: boolean;
  dataLossAck: Sourced<AckLevel>;
  hardwareAck: Sourced<AckLevel>;
  os: Sourced<Os | null>;
  /** Partitioning/RAID given apart from the system; they complete `os` when it is printed. */
  installOptions: Sourced<{ partitioning: string | null; raid: string | null }>;
  components: Sourced<Component>[];
  /** Downtime accepted in so many words; otherwise `hardwareView` derives it from the power authorization. */
  downtime: Sourced<Downtime>;
  hotSwapQuestion: Sourced<boolean>;
  /**
   * Every change, in order: what the record said before is never lost. A staff correction's entry has
   * `messageId` 'desk' and the staff member as `actor`.
   */
  history: { field: string; value: unknown; messageId: string; actor?: string }[];
  /** What was missing when the last reply was composed; null before any reply. */
  repliedMissing: MissingId[] | null;
  /** Staff corrections, which win over every message (absent on records that never had one). */
  corrections?: Corrections;
}

const none = <T>(value: T): Sourced<T> => ({ value, messageId: null, evidence: [] });

export function emptyRecord(id: string): ConversationRecord {
  return {
    id,
    messageIds: [],
    customer: null,
    subject: '',
    language: 'en',
    requestTypes: [],
    scenarios: [],
    serviceIds: [],
    ips: [],
    hostnames: [],
    access: [],
    power: none({ authorization: 'unspecified', windows: [], limited: false }),
    backup: none('unspecified'),
    noBackupStated: false,
    dataLossAck: none('absent'),
    hardwareAck: none('absent'),
    os: none(null),
    installOptions: none({ partitioning: null, raid: null }),
    components: [],
    downtime: none('unspecified'),
    hotSwapQuestion: none(false),
    history: [],
    repliedMissing: null,
  };
}
