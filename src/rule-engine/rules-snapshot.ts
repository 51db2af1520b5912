import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A snapshot of the validated rules, written by the build next to the compiled code (dist/rules-snapshot.json)
 * and used by every start-up whose rule files are byte for byte those it was taken of. Parsing 300 KB of
 * YAML with line positions and validating it took 260-570 ms of each start (the worker, every `intake
 * parse`), about 5 ms from the snapshot. Rules edited after the build no longer match the digest and are
 * parsed and validated as ever, with the same errors naming file and line: the snapshot is only ever a
 * faster way to the same result.
 *
 * The snapshot is written by the code that reads it (the same build), so its content always has the shape
 * the loader expects; a format number guards against reading one left over from another layout.
 */
const FORMAT = 1;

/** Where the build writes the snapshot of the shipped rules: beside the compiled modules (dist/). */
export const SHIPPED_SNAPSHOT = fileURLToPath(new URL('../rules-snapshot.json', import.meta.url));

/** Names and contents of the rule files, in the loader's order: any change to either changes it. */
export function rulesDigest(paths: readonly string[], texts: readonly string[]): string {
  const hash = createHash('sha256').update(`intake rules snapshot ${FORMAT}\n`);
  paths.forEach((path, index) => {
    hash.update(`${path}\0${Buffer.byteLength(texts[index]!)}\0`).update(texts[index]!);
  });
  return hash.digest('hex');
}

interface SnapshotFile<T> {
  format: number;
  digest: string;
  files: T[];
}

/** The snapshot's files when it exists and was taken of exactly these rules; otherwise null. */
export function readSnapshot<T>(file: string, digest: string): T[] | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const snapshot = JSON.parse(text) as Partial<SnapshotFile<T>>;
    if (snapshot.format !== FORMAT || snapshot.digest !== digest || !Array.isArray(snapshot.files))
      return null;
    return snapshot.files;
  } catch {
    // A damaged snapshot costs a parse of the YAML, nothing else.
    return null;
  }
}

export function writeSnapshot<T>(file: string, digest: string, files: readonly T[]): void {
  const snapshot: SnapshotFile<T> = { format: FORMAT, digest, files: [...files] };
  // Written aside and renamed, so that a start-up never reads half a file.
  const partial = join(dirname(file), `.${process.pid}.rules-snapshot.json`);
  writeFileSync(partial, JSON.stringify(snapshot));
  renameSync(partial, file);
}
