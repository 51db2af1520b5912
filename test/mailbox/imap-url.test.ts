import { describe, expect, it } from 'vitest';
import { parseImapUrl } from '../../src/mailbox/imap-url.js';

describe('IMAP URL', () => {
  it('decodes user, password and mailbox', () => {
    expect(
      parseImapUrl('imap://support%40example.com:p%40ss%3Aw%2Frd@mail.example.com:1143/Support%20FR'),
    ).toEqual({
      host: 'mail.example.com',
      port: 1143,
      secure: false,
      user: 'support@example.com',
      password: 'p@ss:w/rd',
      mailbox: 'Support FR',
    });
  });

  it('defaults the port by scheme and the mailbox to INBOX', () => {
    expect(parseImapUrl('imaps://u:p@mail.example.com')).toMatchObject({
      port: 993,
      secure: true,
      mailbox: 'INBOX',
    });
    expect(parseImapUrl('imap://u:p@mail.example.com/')).toMatchObject({
      port: 143,
      secure: false,
      mailbox: 'INBOX',
    });
  });

  it('accepts an IPv6 literal and no password (OAuth2)', () => {
    expect(parseImapUrl('imaps://u@[::1]:9993/INBOX')).toEqual({
      host: '::1',
      port: 9993,
      secure: true,
      user: 'u',
      mailbox: 'INBOX',
    });
  });

  it('refuses what it cannot use, with a stable code', () => {
    for (const url of ['not a url', 'http://u:p@host/', 'imap://host/INBOX', 'imap://u:%E0%A4%A@host/']) {
      expect(() => parseImapUrl(url), url).toThrow(expect.objectContaining({ code: 'imap_url_invalid' }));
    }
  });
});
