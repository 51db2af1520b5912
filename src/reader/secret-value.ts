import { createHash, timingSafeEqual } from 'node:crypto';

const MASK = '[secret]';

/**
 * A secret the customer gave (a password, a console login's password). Every way JavaScript, Node and
 * loggers turn an object into text prints `[secret]`, so a secret that reaches a log line, a template or a
 * JSON response by mistake shows up masked; `reveal()` is the one explicit, greppable way to read it.
 */
export class SecretValue {
  // A private field is invisible to JSON.stringify, util.inspect, spread and structuredClone alike.
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
    Object.freeze(this);
  }

  /** The value itself: only for the code that must hand it over (encryption at rest, the engineer's tool). */
  reveal(): string {
    return this.#value;
  }

  /** Hex SHA-256 of the value, to deduplicate or compare in tests without holding the value. */
  sha256(): string {
    return createHash('sha256').update(this.#value, 'utf8').digest('hex');
  }

  equals(other: SecretValue): boolean {
    const a = Buffer.from(this.#value, 'utf8');
    const b = Buffer.from(other.#value, 'utf8');
    // Constant time, so that comparing a guess against a stored secret does not leak how much matched.
    return a.length === b.length && timingSafeEqual(a, b);
  }

  toString(): string {
    return MASK;
  }

  toJSON(): string {
    return MASK;
  }

  valueOf(): string {
    return MASK;
  }

  [Symbol.toPrimitive](): string {
    return MASK;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return MASK;
  }
}
