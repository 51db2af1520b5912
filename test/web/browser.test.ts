import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureChromium } from '../../scripts/chromium.js';
import { message, secret } from '../store/contract/fixtures.js';
import { type Desk, EMAIL, openDesk, PASSWORD } from './support/desk.js';
import { evidenceIn, messageWith } from './support/record-fixture.js';

/**
 * The desk in Debian's Chromium, driven by playwright-core (never a downloaded browser): what a member of
 * staff does, and what hostile customer text must not do to their browser.
 */
/** `INTAKE_UPDATE_SCREENSHOTS=1` writes the screenshots shown in the README; otherwise they go to a temp dir. */
const SHOTS = process.env.INTAKE_UPDATE_SCREENSHOTS
  ? fileURLToPath(new URL('../../docs/', import.meta.url))
  : mkdtempSync(join(tmpdir(), 'intake-shots-'));

const HOSTILE = {
  subject: '<script>alert(1)</script> disque plein "><img src=x onerror=alert(2)>',
  from: '"><img src=http://attacker.invalid/x onerror=alert(3)>@evil.example',
  server: 'javascript:alert(4)',
  text: '<style>body{background:url(http://attacker.invalid/css)}</style><a href="javascript:alert(5)">x</a>',
};

const RECORD_TEXT =
  'Bonjour,\nLe serveur SRV-3001 ne démarre plus. Vous pouvez le redémarrer dimanche entre 1h et 3h. Le mot de passe root est [[SECRET-1]].';
const RECORD_SECRET = 'Browser-Visible-0nly-After-Reveal';

let desk: Desk;
let browser: Browser;
let base: string;

beforeAll(async () => {
  desk = await openDesk();
  const statuses = ['ready', 'awaiting_customer', 'needs_review'] as const;
  for (let i = 1; i <= 12; i++) {
    await desk.store.commitMessage(
      message({
        subject: i % 4 === 0 ? 'Remplacement disque SRV' : `Réinstallation Debian 12, demande ${i}`,
        status: statuses[i % 3]!,
        serviceId: `SRV-${2000 + i}`,
      }),
    );
  }
  await desk.store.commitMessage(
    message({
      subject: HOSTILE.subject,
      from: HOSTILE.from,
      serviceId: HOSTILE.server,
      newText: HOSTILE.text,
      status: 'needs_review',
    }),
  );
  // INT-000014: a record with evidence, a window and a secret.
  await desk.store.commitMessage(
    messageWith({
      subject: 'Serveur SRV-3001 bloqué',
      newText: RECORD_TEXT,
      status: 'needs_review',
      missing: ['backup'],
      secrets: [secret(RECORD_SECRET)],
      reply: true,
      patch: (_r, messageId) => ({
        serviceIds: [
          {
            value: 'SRV-3001',
            messageId,
            evidence: [evidenceIn(RECORD_TEXT, 'Le serveur SRV-3001 ne démarre plus.')],
          },
        ],
        power: {
          value: {
            authorization: 'window',
            limited: true,
            windows: [{ start: '2026-03-08T00:00:00.000Z', end: '2026-03-08T02:00:00.000Z' }],
          },
          messageId,
          evidence: [evidenceIn(RECORD_TEXT, 'Vous pouvez le redémarrer dimanche entre 1h et 3h.')],
        },
      }),
    }),
  );
  await desk.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(desk.app.server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: await ensureChromium(),
    headless: true,
    // Without these, Chromium keeps trying to reach Google's hosts, which this network refuses.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 600_000);
afterAll(async () => {
  await browser?.close();
  await desk?.close();
});

/** A page that records every dialog and every request that leaves the desk. */
async function watchedPage(): Promise<{ page: Page; dialogs: string[]; outside: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const dialogs: string[] = [];
  const outside: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('request', (r) => {
    if (!r.url().startsWith(base)) outside.push(r.url());
  });
  return { page, dialogs, outside };
}

describe('the desk in a browser', () => {
  it('signs in, filters the queue, renders hostile text as text, signs out', async () => {
    const { page, dialogs, outside } = await watchedPage();
    await page.goto(`${base}/`);
    expect(new URL(page.url()).pathname).toBe('/login');

    await page.fill('input[name="email"]', EMAIL);
    await page.fill('input[name="password"]', PASSWORD);
    await Promise.all([page.waitForURL(`${base}/`), page.click('button[type="submit"]')]);
    expect(await page.textContent('body')).toContain('INT-000014');

    // The hostile subject is on the page as the customer wrote it, as text.
    expect(await page.textContent('body')).toContain(HOSTILE.subject);
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);

    const shot = await page.screenshot({ path: join(SHOTS, 'desk-queue.png'), fullPage: true });
    expect(shot.subarray(1, 4).toString()).toBe('PNG');

    await Promise.all([page.waitForURL(/status=needs_review/), page.click('a[href*="status=needs_review"]')]);
    const rows = await page.locator('td.id').allTextContents();
    expect(rows.length).toBe(6);
    expect(rows).toContain('INT-000013');

    // A filter from the form (a server id's beginning) narrows the tab, and the tabs keep it.
    await page.fill('form.filters input[name="server"]', 'srv-201');
    await Promise.all([page.waitForURL(/server=srv-201/), page.click('form.filters button[type="submit"]')]);
    expect(await page.locator('td.id').allTextContents()).toEqual(['INT-000011']);
    await Promise.all([
      page.waitForURL(/^[^?]*\/\?server=srv-201$/),
      page.click('nav.tabs a:has-text("All")'),
    ]);
    expect(await page.locator('td.id').allTextContents()).toEqual(['INT-000012', 'INT-000011', 'INT-000010']);

    await Promise.all([page.waitForURL(/\/login/), page.click('form[action="/logout"] button')]);
    await page.goto(`${base}/`);
    expect(new URL(page.url()).pathname).toBe('/login');

    expect(dialogs).toEqual([]);
    expect(outside).toEqual([]);
    await page.close();
  });

  it('opens a record from the queue, shows the evidence marked, reveals a secret, corrects a field, finds the audit entries', async () => {
    const { page, dialogs, outside } = await watchedPage();
    await page.goto(`${base}/login`);
    await page.fill('input[name="email"]', EMAIL);
    await page.fill('input[name="password"]', PASSWORD);
    await Promise.all([page.waitForURL(`${base}/`), page.click('button[type="submit"]')]);

    await Promise.all([
      page.waitForURL(`${base}/conversations/INT-000014`),
      page.click('a[href="/conversations/INT-000014"]'),
    ]);
    const marks = await page.locator('tr[data-field="serviceIds"] mark').allTextContents();
    expect(marks).toEqual(['Le serveur SRV-3001 ne démarre plus.']);
    expect(await page.textContent('tr[data-field="power"]')).toContain('2026-03-08 01:00 Europe/Paris');
    expect(await page.textContent('body')).not.toContain(RECORD_SECRET);

    // The hostile record, opened the same way, stays text.
    await page.goto(`${base}/conversations/INT-000013`);
    expect(await page.textContent('body')).toContain(HOSTILE.subject);
    expect(await page.locator('script, img, style, a[href^="javascript:"]').count()).toBe(0);
    await page.goto(`${base}/conversations/INT-000014`);

    const shot = await page.screenshot({ path: join(SHOTS, 'desk-record.png'), fullPage: true });
    expect(shot.subarray(1, 4).toString()).toBe('PNG');

    await Promise.all([
      page.waitForURL(`${base}/conversations/INT-000014/secrets/**/reveal`),
      page.click('table.secrets button[type="submit"]'),
    ]);
    expect(await page.textContent('code.secret-value')).toBe(RECORD_SECRET);

    await Promise.all([
      page.waitForURL(`${base}/conversations/INT-000014`),
      page.click('a[href="/conversations/INT-000014"]'),
    ]);
    const audit = await page.locator('table.audit tbody tr').allTextContents();
    expect(audit.some((row) => row.includes(`desk:${EMAIL}`) && row.includes('secret.revealed'))).toBe(true);
    expect(await page.textContent('body')).not.toContain(RECORD_SECRET);

    // Correct a field: the backup, stated nowhere, confirmed by staff; shown as a correction and audited.
    await page.click('details[data-field="backup"] summary');
    await page.selectOption('details[data-field="backup"] select[name="value"]', 'confirmed');
    await Promise.all([
      page.waitForURL(/\/conversations\/INT-000014#record$/),
      page.click('details[data-field="backup"] button[type="submit"]'),
    ]);
    const backup = await page.textContent('tr[data-field="backup"]');
    expect(backup).toContain('confirmed');
    expect(backup).toContain(`corrected by ${EMAIL}`);
    const entries = await page.locator('table.audit tbody tr').allTextContents();
    expect(entries.some((row) => row.includes(`desk:${EMAIL}`) && row.includes('record.corrected'))).toBe(
      true,
    );

    expect(dialogs).toEqual([]);
    expect(outside).toEqual([]);
    await page.close();
  });
});
