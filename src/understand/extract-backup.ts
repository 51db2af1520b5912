import type { Backup } from '../record/schema.js';
import { anyMatch, type CompiledRule, withTag } from '../rule-engine/compiled-rule.js';
import type { RuleBook } from '../rule-engine/load-rules.js';
import { isGenuineQuestion, isNegatedAt, type PolarityRules } from './clauses.js';
import { type Evidence, evidenceOf } from './evidence.js';
import { firstHit } from './rule-match.js';
import type { Sentence } from './sentences.js';

export interface BackupRules {
  backup: CompiledRule[];
  /** Global copies of `backup`, to read every mention in a sentence. */
  backupAll: RegExp[];
  stale: CompiledRule[];
  acceptLoss: CompiledRule[];
  either: CompiledRule[];
}

export function backupRules(book: RuleBook): BackupRules {
  const all = book.patterns('understand/backup');
  const backup = withTag(all, 'backup');
  return {
    backup,
    backupAll: backup.map((r) => new RegExp(r.regex.source, `${r.regex.flags}g`)),
    stale: withTag(all, 'stale'),
    acceptLoss: withTag(all, 'accept-loss'),
    either: withTag(all, 'either'),
  };
}

export interface BackupFinding {
  value: Backup;
  /** The customer said there is no (recent) backup, whether or not they accepted the risk. */
  noBackupStated: boolean;
  /** The customer accepted that data may be lost (a paraphrase counts). */
  lossAccepted: boolean;
  evidence: Evidence[];
}

export interface BackupOptions {
  /** Where a canonical backup statement was copied verbatim. */
  confirmedStatement: Evidence | null;
  noBackupStatement: Evidence | null;
}

/** New-text offsets of every match of the rules in the sentence. */
function allHits(sentence: Sentence, regexes: readonly RegExp[]): number[] {
  const out: number[] = [];
  for (const regex of regexes) {
    regex.lastIndex = 0;
    for (let m = regex.exec(sentence.text); m !== null; m = regex.exec(sentence.text)) {
      out.push(sentence.start + m.index);
      if (m[0] === '') regex.lastIndex++;
    }
  }
  return out;
}

/**
 * Backup as the customer states it (sections 2 and 5): any positive claim that a backup exists is
 * `confirmed`; "no (recent) backup" with acceptance of possible loss is `no_backup_acknowledged`; "no backup"
 * alone stays `unspecified`. Negated and questioning clauses are read for what they are.
 */
export function extractBackup(
  sentences: readonly Sentence[],
  rules: BackupRules,
  polarity: PolarityRules,
  options: BackupOptions,
): BackupFinding {
  let exists = options.confirmedStatement !== null;
  let none = options.noBackupStatement !== null;
  let accepted = options.noBackupStatement !== null;
  const evidence: Evidence[] = [options.confirmedStatement, options.noBackupStatement].filter(
    (e): e is Evidence => e !== null,
  );
  for (const sentence of sentences) {
    const backups = sentence.text.length > 1_500 ? [] : allHits(sentence, rules.backupAll);
    const accept = firstHit(sentence, rules.acceptLoss);
    if (backups.length === 0 && !accept) continue;
    if (isGenuineQuestion(sentence, polarity)) continue;
    // "I have backed up the data or accept its loss": one side of a choice confirms nothing.
    if (backups.length > 0 && !anyMatch(rules.either, sentence.text)) {
      // "Regarding backups: there is no recent backup": every mention is read, a negated one wins.
      if (backups.some((at) => isNegatedAt(sentence, at, polarity)) || anyMatch(rules.stale, sentence.text))
        none = true;
      else exists = true;
      evidence.push(evidenceOf(sentence));
    }
    if (accept && !isNegatedAt(sentence, accept.at, polarity)) {
      accepted = true;
      if (backups.length === 0) evidence.push(evidenceOf(sentence));
    }
  }
  // "No recent backup, the last one is from September": the customer explains a lack, not a backup.
  const value: Backup = none
    ? accepted
      ? 'no_backup_acknowledged'
      : 'unspecified'
    : exists
      ? 'confirmed'
      : 'unspecified';
  return { value, noBackupStated: none, lossAccepted: accepted, evidence };
}
