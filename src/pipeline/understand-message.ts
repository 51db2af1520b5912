import type { InboundMessage } from '../reader/inbound-message.js';
import { isReplySubject } from '../reader/subject.js';
import { type Component, type Os, REQUEST_TYPES, SCENARIOS, type Scenario } from '../record/schema.js';
import type { RuleBook } from '../rule-engine/load-rules.js';
import {
  type AckRules,
  acknowledgementLevels,
  ackRules,
  type CompiledStatements,
  compileStatements,
  matchStatements,
} from '../understand/acknowledgements.js';
import { type PolarityRules, polarityRules } from '../understand/clauses.js';
import type { Extracted } from '../understand/evidence.js';
import { type AccessRules, accessRules, extractAccess } from '../understand/extract-access.js';
import { type BackupRules, backupRules, extractBackup } from '../understand/extract-backup.js';
import { extractHardware, type HardwareRules, hardwareRules } from '../understand/extract-hardware.js';
import { extractIntent, type IntentRules, intentRules } from '../understand/extract-intent.js';
import { extractOs, type OsRules, osRules } from '../understand/extract-os.js';
import { extractPower, type PowerRules, powerRules, type TimeSpan } from '../understand/extract-power.js';
import {
  extractServer,
  type ServerFindings,
  type ServerRules,
  serverRules,
} from '../understand/extract-server.js';
import { blankFacts, type MessageFacts } from '../understand/message-facts.js';
import { type Sentence, splitSentences } from '../understand/sentences.js';
import { findTimes, type TimeRules, timeRules } from '../understand/time/index.js';

export interface UnderstandOptions {
  provider: string;
  /** IANA zone for times given without one. */
  zone: string;
  /** Our own domains: hosts and links on them are not a customer's server. */
  providerDomains: readonly string[];
}

interface Rules {
  polarity: PolarityRules;
  intent: IntentRules;
  power: PowerRules;
  backup: BackupRules;
  access: AccessRules;
  server: ServerRules;
  os: OsRules;
  hardware: HardwareRules;
  time: TimeRules;
  statements: CompiledStatements;
  ack: AckRules;
}

export type Understander = (message: InboundMessage) => MessageFacts;

function sortBy<T extends { value: string }>(list: T[], order: readonly string[]): T[] {
  return [...list].sort((a, b) => order.indexOf(a.value) - order.indexOf(b.value));
}

/** The facts a message states, read from the customer's new text only (quotes and signatures are context). */
export function createUnderstander(book: RuleBook, options: UnderstandOptions): Understander {
  const rules: Rules = {
    polarity: polarityRules(book),
    intent: intentRules(book),
    power: powerRules(book),
    backup: backupRules(book),
    access: accessRules(book),
    server: serverRules(book),
    os: osRules(book),
    hardware: hardwareRules(book),
    time: timeRules(book),
    statements: compileStatements(book, options.provider),
    ack: ackRules(book),
  };

  return (message) => {
    const base = baseFacts(message);
    if (message.automatic.isAutomatic) return base;
    const text = message.newText;
    const sentences = splitSentences(text);
    const reference = message.date ? new Date(message.date) : new Date(0);
    const timeCache = new Map<Sentence, TimeSpan[]>();
    const timesIn = (sentence: Sentence): TimeSpan[] => {
      let found = timeCache.get(sentence);
      if (!found) {
        found = findTimes(sentence.text, { reference, zone: options.zone }, rules.time);
        timeCache.set(sentence, found);
      }
      return found;
    };

    const statements = matchStatements(text, sentences, rules.statements, rules.ack);
    const ack = acknowledgementLevels(statements);
    // A copied statement is read as a statement, not for the words inside it ("troubleshooting").
    const copied = Object.values(statements)
      .filter((m) => m.level === 'verbatim' && m.evidence)
      .map((m) => m.evidence!);
    const ownWords = sentences.filter((s) => !copied.some((e) => s.start < e.end && e.start < s.end));
    // A subject that is not a reply's is the customer's words too ("SRV-48213 down"), read after the body.
    const subjectSentences = isReplySubject(message.subject) ? [] : splitSentences(message.subject);
    const bodyIntent = extractIntent(ownWords, rules.intent, rules.polarity);
    const subjectIntent = extractIntent(subjectSentences, rules.intent, rules.polarity);
    const intent = {
      requestTypes: [
        ...bodyIntent.requestTypes,
        ...markSubject(
          subjectIntent.requestTypes.filter((t) => !bodyIntent.requestTypes.some((b) => b.value === t.value)),
        ),
      ],
      scenarios: [
        ...bodyIntent.scenarios,
        ...markSubject(
          subjectIntent.scenarios.filter((t) => !bodyIntent.scenarios.some((b) => b.value === t.value)),
        ),
      ],
    };
    const hardware = extractHardware(sentences, rules.hardware);
    const power = extractPower(ownWords, rules.power, rules.polarity, {
      timesIn,
      statement:
        statements.power_authorization.level === 'verbatim' ? statements.power_authorization.evidence : null,
      reference: reference.getTime(),
    });
    const backup = extractBackup(ownWords, rules.backup, rules.polarity, {
      confirmedStatement:
        statements.backup_confirmed.level === 'verbatim' ? statements.backup_confirmed.evidence : null,
      noBackupStatement: statements.backup_none.level === 'verbatim' ? statements.backup_none.evidence : null,
    });
    const os = extractOs(sentences, rules.os);

    const components: Extracted<Component>[] = hardware.components
      .filter((c) => !c.value.question)
      .map(({ value: { kind, action, quantity, size, serials, slot }, evidence, confidence, ruleId }) => ({
        value: { kind, action, quantity, size, serials, slot },
        evidence,
        confidence,
        ruleId,
      }));
    // "The RAID controller keeps resetting and the array drops offline": the symptom of the part to
    // replace, not a request for troubleshooting.
    const partSentences = new Set(hardware.components.map((c) => c.evidence.start));
    const symptom = (e: Extracted<unknown>) => components.length > 0 && partSentences.has(e.evidence.start);
    const scenarios = intent.scenarios.filter((s) => !(s.value === 'unresponsive' && symptom(s)));
    const types = intent.requestTypes.filter(
      (t) =>
        t.value !== 'intervention' ||
        scenarios.some((s) =>
          ['unresponsive', 'network_firewall', 'post_update', 'diagnostics'].includes(s.value),
        ),
    );
    for (const c of components) {
      if (!types.some((t) => t.value === 'hardware')) types.push({ ...c, value: 'hardware' });
      const scenario: Scenario = c.value.action === 'replace' ? 'hardware_replacement' : 'hardware_upgrade';
      if (!scenarios.some((s) => s.value === scenario)) scenarios.push({ ...c, value: scenario });
    }
    // Copying the reinstall acknowledgement is asking for a reinstall, even in a message that says no more.
    const dataLossCopy = statements.data_loss_ack;
    if (
      dataLossCopy.level === 'verbatim' &&
      dataLossCopy.evidence &&
      !types.some((t) => t.value === 'os_reinstall')
    ) {
      types.push({
        value: 'os_reinstall',
        evidence: dataLossCopy.evidence,
        confidence: 0.7,
        ruleId: dataLossCopy.ruleId ?? 'statement.data_loss_ack',
      });
    }
    // In a reinstall, "after a failed update" says why, not what to repair.
    const repair = scenarios.filter(
      (s) => s.value !== 'hardware_upgrade' && s.value !== 'hardware_replacement',
    );
    if (
      types.some((t) => t.value === 'os_reinstall') &&
      repair.length > 0 &&
      repair.every((s) => s.value === 'post_update')
    ) {
      scenarios.splice(0, scenarios.length, ...scenarios.filter((s) => s.value !== 'post_update'));
      types.splice(0, types.length, ...types.filter((t) => t.value !== 'intervention'));
    }

    const osValue: Os | null = os?.distribution
      ? {
          distribution: os.distribution.value,
          version: os.version?.value ?? null,
          edition: os.edition?.value ?? null,
          partitioning: os.partitioning?.value ?? null,
          raid: os.raid?.value ?? null,
        }
      : null;

    return {
      ...base,
      requestTypes: sortBy(types, REQUEST_TYPES),
      scenarios: sortBy(scenarios, SCENARIOS),
      server: mergeServer(
        extractServer(sentences, rules.server, { providerDomains: options.providerDomains }),
        extractServer(subjectSentences, rules.server, { providerDomains: options.providerDomains }),
      ),
      access: extractAccess(ownWords, message.secrets, rules.access, rules.polarity),
      power:
        power.contradiction || power.authorization === 'unspecified'
          ? null
          : {
              value: { authorization: power.authorization, windows: power.windows, limited: power.limited },
              evidence: power.evidence,
            },
      backup: backup.value === 'unspecified' ? null : { value: backup.value, evidence: backup.evidence },
      noBackupStated: backup.noBackupStated && !backup.lossAccepted,
      acknowledgements: {
        dataLoss:
          ack.dataLoss === 'absent'
            ? null
            : {
                value: ack.dataLoss,
                evidence: statements.data_loss_ack.evidence ? [statements.data_loss_ack.evidence] : [],
              },
        hardware:
          ack.hardware === 'absent'
            ? null
            : {
                value: ack.hardware,
                evidence: statements.hardware_ack.evidence ? [statements.hardware_ack.evidence] : [],
              },
      },
      os: osValue ? { value: osValue, evidence: [os!.distribution!.evidence] } : null,
      installOptions:
        !osValue && (os?.partitioning || os?.raid)
          ? {
              value: { partitioning: os.partitioning?.value ?? null, raid: os.raid?.value ?? null },
              evidence: [os.partitioning?.evidence ?? os.raid!.evidence],
            }
          : null,
      components,
      downtime: power.downtimeAccepted ? { value: 'acceptable', evidence: power.evidence } : null,
      proposedWindows: power.proposed,
      hotSwapQuestion: hardware.hotSwap ? { value: true, evidence: [hardware.hotSwap.evidence] } : null,
      contradictions: power.contradiction ? ['power_authorization'] : [],
    };
  };
}

function markSubject<T>(found: Extracted<T>[]): Extracted<T>[] {
  return found.map((f) => ({ ...f, evidence: { ...f.evidence, in: 'subject' as const } }));
}

/** Identifiers from the body first, then those only the subject gives. */
function mergeServer(body: ServerFindings, subject: ServerFindings): ServerFindings {
  const add = (a: Extracted<string>[], b: Extracted<string>[]) => [
    ...a,
    ...markSubject(b.filter((x) => !a.some((y) => y.value === x.value))),
  ];
  return {
    serviceIds: add(body.serviceIds, subject.serviceIds),
    ips: add(body.ips, subject.ips),
    hostnames: add(body.hostnames, subject.hostnames),
  };
}

function baseFacts(message: InboundMessage): MessageFacts {
  return {
    ...blankFacts(),
    messageId: message.messageId ?? `<missing-${message.size}-${message.subject.length}@intake.invalid>`,
    date: message.date,
    from: message.from,
    subject: message.subject,
    inReplyTo: message.inReplyTo,
    references: message.references,
    language: message.language,
    automatic: message.automatic,
    authenticationResults: message.authenticationResults,
    secrets: message.secrets,
    warnings: message.warnings.map((w) => w.code),
  };
}
