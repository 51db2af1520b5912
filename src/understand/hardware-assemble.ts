import type { HardwareKind } from '../record/schema.js';
import { gigabytes } from './hardware-attributes.js';
import type { ActionSource, Draft, Orphan, SentenceReading } from './hardware-sentence.js';

// An orphan ("Please replace it.") belongs to a component named at most this many sentences before; a
// detail (a serial, a slot) may come further down a form of "Label : value" lines.
const LOOK_BACK = 2;
const DETAIL_LOOK_BACK = 5;
// "We need 2 x 16GB added": a capacity with no component word. Memory modules stay under this size;
// disks and SSDs start above it (and are sold in TB).
const LARGEST_MEMORY_MODULE_GB = 199;

function target(
  orphan: Orphan,
  drafts: readonly Draft[],
  accept: (d: Draft) => boolean,
  lookBack = LOOK_BACK,
): Draft | undefined {
  const same = drafts.filter((d) => d.sentence === orphan.sentence && accept(d));
  const before = same.filter((d) => d.at < orphan.at);
  if (before.length > 0) return before[before.length - 1];
  if (same.length > 0) return same[0];
  const earlier = drafts.filter(
    (d) => d.sentence < orphan.sentence && d.sentence >= orphan.sentence - lookBack && accept(d),
  );
  if (earlier.length > 0) return earlier[earlier.length - 1];
  return drafts.find((d) => d.sentence === orphan.sentence + 1 && accept(d));
}

function note(draft: Draft, sentence: number): void {
  if (sentence !== draft.sentence) draft.also.add(sentence);
}

/** A component named only by a capacity and an action ("2 x 16GB added"): its kind follows from the size. */
function inferred(orphan: Orphan): Draft | null {
  const gb = orphan.size ? gigabytes(orphan.size) : null;
  if (!orphan.action || orphan.diagnosis || gb === null) return null;
  const kind: HardwareKind = gb <= LARGEST_MEMORY_MODULE_GB ? 'ram' : 'disk';
  return {
    kind,
    action: orphan.action,
    actionSource: 'inferred',
    quantity: orphan.quantity,
    size: orphan.size,
    sizeCurrent: orphan.currentSize,
    serials: [...orphan.serials],
    slot: orphan.slot,
    faulty: orphan.faulty,
    negated: false,
    question: orphan.question,
    priced: false,
    sentence: orphan.sentence,
    at: orphan.at,
    also: new Set(),
    ruleId: 'hardware.size',
  };
}

/**
 * Whether a clause's capacity becomes the component's: when it has none, when it had only what the server
 * has now ("128 Go aujourd'hui… passer à 256 Go"), or when the clause breaks its total into modules.
 */
function takesSize(described: Draft, orphan: Orphan): boolean {
  if (!described.size) return true;
  if (described.sizeCurrent && !orphan.currentSize) return true;
  const whole = gigabytes(described.size);
  const each = orphan.size ? gigabytes(orphan.size) : null;
  return (
    described.quantity === null &&
    orphan.quantity !== null &&
    whole !== null &&
    each !== null &&
    whole === each * orphan.quantity
  );
}

function attach(orphan: Orphan, drafts: Draft[]): void {
  if (orphan.negated) {
    // "Don't replace it yet": a refusal reaches the component just named, not one from long before.
    const refused = target(orphan, drafts, (d) => d.sentence >= orphan.sentence - 1);
    if (refused) {
      refused.negated = true;
      note(refused, orphan.sentence);
    }
    return;
  }
  const described = target(orphan, drafts, () => true, DETAIL_LOOK_BACK);
  if (!described) {
    const guessed = inferred(orphan);
    if (guessed) drafts.push(guessed);
    return;
  }
  // "We will install our own applications" is no action on the disks named before; "replace it" is, and so
  // is "(S/N …) needs to be replaced" in the component's own sentence.
  if (orphan.action && !orphan.diagnosis && !orphan.ownObject) {
    const owner = target(
      orphan,
      drafts,
      (d) => d.action === null && (orphan.pointsBack || d.sentence === orphan.sentence),
    );
    if (owner) {
      owner.action = orphan.action;
      owner.actionSource = 'attached';
      note(owner, orphan.sentence);
    }
  }
  if (orphan.faulty) described.faulty = true;
  const sized = described.kind === 'ram' || described.kind === 'disk';
  if (orphan.size && sized && takesSize(described, orphan)) {
    // A count goes with its capacity: "64 Go de RAM (2 × 32 Go)" is two modules of 32 Go.
    if (described.size === null) described.quantity ??= orphan.quantity;
    else described.quantity = orphan.quantity;
    described.size = orphan.size;
    described.sizeCurrent = orphan.currentSize;
  }
  if (orphan.slot && !described.slot) described.slot = orphan.slot;
  for (const serial of orphan.serials)
    if (!described.serials.includes(serial)) described.serials.push(serial);
  if (orphan.faulty || orphan.size || orphan.slot || orphan.serials.length) note(described, orphan.sentence);
}

const same = <T>(a: T | null, b: T | null) => a === null || b === null || a === b;

// How directly the customer asked for the action: a merged component keeps the most direct reading.
const STRENGTH: Record<ActionSource, number> = {
  bound: 5,
  inherited: 4,
  attached: 3,
  derived: 2,
  inferred: 1,
};
const strength = (d: Draft) => (d.actionSource ? STRENGTH[d.actionSource] : 0);

/** "64GB more RAM (2 x 32GB)": one capacity is the total of the other's modules. */
function breakdown(total: Draft, parts: Draft): boolean {
  const whole = total.size ? gigabytes(total.size) : null;
  const each = parts.size ? gigabytes(parts.size) : null;
  return (
    whole !== null &&
    each !== null &&
    parts.quantity !== null &&
    total.quantity === null &&
    whole === each * parts.quantity
  );
}

function compatible(a: Draft, b: Draft, withQuantity: boolean): boolean {
  const serialsAgree =
    a.serials.length === 0 || b.serials.length === 0 || a.serials.some((s) => b.serials.includes(s));
  return (
    a.kind === b.kind &&
    same(a.action, b.action) &&
    same(a.slot, b.slot) &&
    (same(a.size, b.size) || breakdown(a, b) || breakdown(b, a)) &&
    (!withQuantity || same(a.quantity, b.quantity)) &&
    serialsAgree
  );
}

function absorb(into: Draft, from: Draft, withQuantity: boolean): void {
  if (from.action !== null && (into.action === null || strength(from) > strength(into))) {
    into.action = from.action;
    into.actionSource = from.actionSource;
  }
  // The module count and size say more than the total: "2 x 32GB" rather than "64GB".
  if (withQuantity && breakdown(into, from)) {
    into.size = from.size;
    into.sizeCurrent = from.sizeCurrent;
    into.quantity = from.quantity;
  }
  if (into.size === null && from.size !== null) {
    into.size = from.size;
    into.sizeCurrent = from.sizeCurrent;
  }
  into.slot ??= from.slot;
  if (withQuantity) into.quantity ??= from.quantity;
  for (const serial of from.serials) if (!into.serials.includes(serial)) into.serials.push(serial);
  into.faulty ||= from.faulty;
  if (from.action !== null || from.priced) {
    into.question &&= from.question;
    into.priced ||= from.priced;
  }
  note(into, from.sentence);
  for (const s of from.also) note(into, s);
}

/**
 * The components of a whole message: orphans attached to the component they speak of, a failed component
 * without an action is to be replaced, repeated mentions of one component merged, mere descriptions ("we
 * have 4 disks") kept only as details of a requested component, refused ones dropped. A failed component
 * with no action asked, in a message that asks for a diagnosis, is the diagnosis's business, not a part.
 */
export function assemble(readings: readonly SentenceReading[]): Draft[] {
  const drafts = readings.flatMap((r) => r.drafts);
  for (const orphan of readings.flatMap((r) => r.orphans)) attach(orphan, drafts);
  for (const draft of drafts) {
    if (draft.action === null && draft.faulty) {
      draft.action = 'replace';
      draft.actionSource = 'derived';
    }
  }
  for (const draft of drafts) {
    // "Is it possible to add more RAM? How much would it cost?": the price question is about that RAM.
    const next = readings[draft.sentence + 1];
    if (next?.infoQuestion && next.drafts.length === 0) {
      draft.question = true;
      draft.priced = true;
    }
  }
  const diagnosis = readings.some((r) => r.diagnosis);
  const requests: Draft[] = [];
  for (const draft of drafts) {
    if (draft.action === null && !draft.priced) continue;
    const twin = requests.find((r) => compatible(r, draft, true));
    if (twin) absorb(twin, draft, true);
    else requests.push(draft);
  }
  for (const description of drafts) {
    if (description.action !== null || description.priced) continue;
    const owner = requests
      .filter((r) => compatible(r, description, false))
      .sort(
        (a, b) => Math.abs(a.sentence - description.sentence) - Math.abs(b.sentence - description.sentence),
      )[0];
    if (owner) absorb(owner, { ...description, action: null, quantity: null }, false);
  }
  for (const request of requests) {
    // What the server has now is the size of a part to replace, never of one to add or of an upgrade's target.
    if (request.sizeCurrent && request.action !== 'replace') {
      request.size = null;
      request.quantity = null;
    }
  }
  return requests.filter((d) => !d.negated && !(d.actionSource === 'derived' && diagnosis));
}
