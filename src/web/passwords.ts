import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';

/** argon2id with OWASP's minimum (19 MiB, 2 passes, 1 lane): about 30 ms per check on one core here. */
const PARAMETERS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 12;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, PARAMETERS);
}

/** False for a wrong password and for a hash that does not parse (a corrupt row signs no one in). */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/**
 * A hash of a random password, made once per process: sign-ins with an unknown email are checked against
 * it, so that they take as long as a wrong password for a real account and do not reveal which exist.
 */
export function dummyHash(): Promise<string> {
  return hashPassword(randomBytes(32).toString('base64url'));
}

/** 24 characters from a 64-symbol alphabet: 144 bits, typed or pasted once into a password manager. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
