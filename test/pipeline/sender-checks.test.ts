import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPipeline } from '../../src/pipeline/offline-pipeline.js';
import { ROOT } from '../support/fixtures.js';
import { PIPELINE_TEST_OPTIONS } from '../support/labelled.js';

// A complete request for SRV-20877 from kevin.osei@example.com: ready when nobody checks the sender.
const file = 'fixtures/requests/intervention/en-down-terse.eml';
const raw = readFileSync(join(ROOT, file));

const directory = (contact: string) => ({
  accounts: [
    {
      id: 'osei-media',
      contacts: [contact],
      servers: [{ serviceId: 'SRV-20877', ips: ['203.0.113.88'], hostnames: ['edge1.osei.example'] }],
    },
  ],
});

describe('sender checks in the pipeline', () => {
  it('fills in the server’s other identifiers for a registered contact and stays ready', async () => {
    const line = await createPipeline({
      ...PIPELINE_TEST_OPTIONS,
      directory: directory('kevin.osei@example.com'),
    }).process(raw, file);
    expect(line.status).toBe('ready');
    expect(line.server).toEqual({
      serviceIds: ['SRV-20877'],
      ips: ['203.0.113.88'],
      hostnames: ['edge1.osei.example'],
    });
  });

  it('sends the record to review when the sender is not a contact of the server’s account', async () => {
    const line = await createPipeline({
      ...PIPELINE_TEST_OPTIONS,
      directory: directory('boss@osei.example'),
    }).process(raw, file);
    expect(line.status).toBe('needs_review');
    expect(line.reviewReasons).toContain('sender_not_authorized');
    expect(line.reply).toBeNull();
    expect(line.server.ips).toEqual([]);
  });

  it('sends the record to review on a dmarc=fail reported by a trusted server only', async () => {
    const forged = Buffer.concat([
      Buffer.from(
        'Authentication-Results: mx.hosting.example; spf=fail; dmarc=fail (p=reject) header.from=example.com\r\n',
      ),
      raw,
    ]);
    const trusted = await createPipeline({
      ...PIPELINE_TEST_OPTIONS,
      trustedAuthservIds: ['mx.hosting.example'],
    }).process(forged, file);
    expect(trusted).toMatchObject({ status: 'needs_review', reviewReasons: ['dmarc_fail'] });
    const untrusted = await createPipeline({
      ...PIPELINE_TEST_OPTIONS,
      trustedAuthservIds: ['other.example'],
    }).process(forged, file);
    expect(untrusted.status).toBe('ready');
  });
});
