import { describe, expect, it } from 'vitest';
import type { Harnessed } from './harness.js';

const HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g';
const digest = (c: string) => c.repeat(64);
const HOUR = 3_600_000;

export function deskAccessTests(h: Harnessed) {
  describe('staff accounts', () => {
    it('stores the email lower-cased, refuses it again in any case, finds it in any case', async () => {
      const { url, store } = await h.fresh();
      const alice = await store.addStaff({ email: ' Alice@Example.ORG ', passwordHash: HASH });
      expect(alice).toMatchObject({ email: 'alice@example.org', disabled: false });
      expect(Number.isNaN(Date.parse(alice.createdAt))).toBe(false);
      await expect(store.addStaff({ email: 'ALICE@example.org', passwordHash: HASH })).rejects.toMatchObject({
        code: 'staff_exists',
      });
      // The unique index holds even for a row written by hand in another case.
      await expect(
        h.raw(url, 'INSERT INTO staff (email, password_hash, created_at) VALUES (?, ?, ?)', [
          'ALICE@EXAMPLE.ORG',
          HASH,
          new Date().toISOString(),
        ]),
      ).rejects.toThrow();
      expect(await store.findStaff('aLiCe@example.org')).toEqual({ ...alice, passwordHash: HASH });
      expect(await store.findStaff('bob@example.org')).toBeNull();
      const bob = await store.addStaff({ email: 'bob@example.org', passwordHash: HASH });
      expect(bob.id).not.toBe(alice.id);
    });

    it('disables an account, which ends its sessions and stops its tokens', async () => {
      const { store } = await h.fresh();
      const alice = await store.addStaff({ email: 'alice@example.org', passwordHash: HASH });
      const now = new Date();
      await store.createSession({
        idHash: digest('a'),
        staffId: alice.id,
        csrfSecret: 'c'.repeat(64),
        expiresAt: new Date(now.getTime() + HOUR),
      });
      await store.createApiToken({ tokenHash: digest('t'), name: 'helpdesk', staffId: alice.id });
      expect(await store.setStaffDisabled('ALICE@example.org', true)).toBe(true);
      expect((await store.findStaff('alice@example.org'))?.disabled).toBe(true);
      expect(await store.findSession(digest('a'), now)).toBeNull();
      expect(await store.useApiToken(digest('t'), now)).toBeNull();
      expect(await store.setStaffDisabled('nobody@example.org', true)).toBe(false);
      expect(await store.setStaffDisabled('alice@example.org', false)).toBe(true);
      expect((await store.useApiToken(digest('t'), now))?.name).toBe('helpdesk');
      // Its sessions were deleted, not merely hidden.
      expect(await store.findSession(digest('a'), now)).toBeNull();
    });
  });

  describe('sessions', () => {
    it('finds a session by its id digest until it expires, deletes it, purges expired ones', async () => {
      const { url, store } = await h.fresh();
      const alice = await store.addStaff({ email: 'alice@example.org', passwordHash: HASH });
      const now = new Date();
      const expiresAt = new Date(now.getTime() + 12 * HOUR);
      await store.createSession({
        idHash: digest('a'),
        staffId: alice.id,
        csrfSecret: 'x'.repeat(64),
        expiresAt,
      });
      await store.createSession({
        idHash: digest('b'),
        staffId: alice.id,
        csrfSecret: 'y'.repeat(64),
        expiresAt: new Date(now.getTime() - 1),
      });
      const found = await store.findSession(digest('a'), now);
      expect(found).toMatchObject({
        idHash: digest('a'),
        csrfSecret: 'x'.repeat(64),
        staff: { id: alice.id, email: 'alice@example.org', disabled: false },
      });
      expect(Date.parse(found!.expiresAt)).toBe(expiresAt.getTime());
      expect(await store.findSession(digest('a'), new Date(expiresAt.getTime() + 1))).toBeNull();
      expect(await store.findSession(digest('b'), now)).toBeNull();
      expect(await store.findSession(digest('c'), now)).toBeNull();
      expect(await store.deleteExpiredSessions(now)).toBe(1);
      expect(await store.deleteSession(digest('a'))).toBe(true);
      expect(await store.deleteSession(digest('a'))).toBe(false);
      expect(await store.findSession(digest('a'), now)).toBeNull();
      expect(Number((await h.raw(url, 'SELECT COUNT(*) AS n FROM sessions'))[0]?.n)).toBe(0);
    });
  });

  describe('API tokens', () => {
    it('finds a token by its digest, records its use, and refuses it once revoked', async () => {
      const { url, store } = await h.fresh();
      const alice = await store.addStaff({ email: 'alice@example.org', passwordHash: HASH });
      const id = await store.createApiToken({ tokenHash: digest('t'), name: 'helpdesk', staffId: alice.id });
      const stored = await h.raw(url, 'SELECT token_hash, last_used_at FROM api_tokens WHERE id = ?', [id]);
      expect(stored[0]).toMatchObject({ token_hash: digest('t'), last_used_at: null });
      const at = new Date('2026-05-01T10:00:00.000Z');
      const used = await store.useApiToken(digest('t'), at);
      expect(used).toMatchObject({ id, name: 'helpdesk', staff: { email: 'alice@example.org' } });
      expect(Date.parse(used!.lastUsedAt!)).toBe(at.getTime());
      expect(await store.useApiToken(digest('u'), at)).toBeNull();
      expect(await store.revokeApiToken(id)).toBe(true);
      expect(await store.revokeApiToken(id)).toBe(false);
      expect(await store.revokeApiToken(id + 1000)).toBe(false);
      expect(await store.useApiToken(digest('t'), at)).toBeNull();
    });
  });
}
