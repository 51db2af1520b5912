import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { maskSmtpUrl, parseSmtpUrl } from '../../src/mailer/smtp-url.js';

describe('parseSmtpUrl', () => {
  it('reads smtp:// with URL-encoded credentials', () => {
    const pass = 'p@ss/w:rd %?#';
    const endpoint = parseSmtpUrl(
      `smtp://${encodeURIComponent('intake@hosting.example')}:${encodeURIComponent(pass)}@mail.hosting.example:2525`,
    );
    expect(endpoint).toEqual({
      host: 'mail.hosting.example',
      port: 2525,
      secure: false,
      auth: { user: 'intake@hosting.example', pass },
      requireTLS: false,
      ignoreTLS: false,
      rejectUnauthorized: true,
      clientName: null,
    });
  });

  it('defaults the port from the scheme: 587 (submission, STARTTLS) or 465 (smtps)', () => {
    expect(parseSmtpUrl('smtp://mail.example').port).toBe(587);
    expect(parseSmtpUrl('smtps://mail.example')).toMatchObject({ port: 465, secure: true, auth: null });
    expect(parseSmtpUrl('SMTPS://u:p@[::1]:4650').host).toBe('::1');
  });

  it('reads the known options from the query', () => {
    expect(parseSmtpUrl('smtp://h:25?requireTLS=true&name=worker1.hosting.example')).toMatchObject({
      requireTLS: true,
      clientName: 'worker1.hosting.example',
    });
    expect(parseSmtpUrl('smtps://h?rejectUnauthorized=false').rejectUnauthorized).toBe(false);
    expect(parseSmtpUrl('smtp://h?ignoreTLS=1').ignoreTLS).toBe(true);
  });

  it('lists every problem at once, never repeating the password', () => {
    try {
      parseSmtpUrl('http://user:s3cret@h?pool=true&requireTLS=yes');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems;
      expect(problems).toHaveLength(3);
      expect(problems.join('\n')).not.toContain('s3cret');
    }
    expect(() => parseSmtpUrl('not a url')).toThrow(ConfigError);
    expect(() => parseSmtpUrl('smtp://h?requireTLS=true&ignoreTLS=true')).toThrow(/contradict/);
  });

  it('masks the password for logs', () => {
    expect(maskSmtpUrl('smtps://intake:s3cret@mail.example:465')).toBe('smtps://intake:***@mail.example:465');
    expect(maskSmtpUrl('smtp://mail.example')).toBe('smtp://mail.example');
    expect(maskSmtpUrl('::')).toBe('(not a URL)');
  });
});
