import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSender, dmarcFailed } from '../../src/directory/directory.js';
import { loadDirectory } from '../../src/directory/load-directory.js';

const dir = mkdtempSync(join(tmpdir(), 'intake-directory-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const directory = {
  accounts: [
    {
      id: 'acme',
      contacts: ['ops@acme.example', 'Boss@Acme.example'],
      servers: [{ serviceId: 'SRV-10234', ips: ['203.0.113.7'], hostnames: ['web1.acme.example'] }],
    },
    {
      id: 'other',
      contacts: ['it@other.example'],
      servers: [{ serviceId: 'SRV-20000', ips: [], hostnames: [] }],
    },
  ],
};

describe('checkSender', () => {
  it('trusts a registered contact and fills in the server’s other identifiers', () => {
    expect(
      checkSender(directory, { serviceIds: [], ips: ['203.0.113.7'], hostnames: [] }, 'boss@acme.example'),
    ).toEqual({
      problems: [],
      fill: { serviceIds: ['SRV-10234'], ips: ['203.0.113.7'], hostnames: ['web1.acme.example'] },
    });
  });
  it('flags a sender who is not a contact of the server’s account', () => {
    expect(
      checkSender(directory, { serviceIds: ['SRV-10234'], ips: [], hostnames: [] }, 'it@other.example')
        .problems,
    ).toEqual(['sender_not_authorized']);
  });
  it('flags a server the directory does not know', () => {
    expect(
      checkSender(directory, { serviceIds: ['SRV-99999'], ips: [], hostnames: [] }, 'ops@acme.example')
        .problems,
    ).toEqual(['server_unknown']);
  });
  it('checks nothing when no server is named', () => {
    expect(
      checkSender(directory, { serviceIds: [], ips: [], hostnames: [] }, 'x@y.example').problems,
    ).toEqual([]);
  });
});

describe('dmarcFailed', () => {
  it('believes only the authserv-ids it trusts', () => {
    const headers = [
      'mx.hosting.example; spf=pass smtp.mailfrom=a.example; dmarc=fail (p=reject) header.from=a.example',
    ];
    expect(dmarcFailed(headers, ['mx.hosting.example'])).toBe(true);
    expect(dmarcFailed(headers, ['other.example'])).toBe(false);
    expect(dmarcFailed(['mx.hosting.example; dmarc=pass'], ['mx.hosting.example'])).toBe(false);
    expect(dmarcFailed(headers, [])).toBe(false);
  });
});

describe('loadDirectory', () => {
  it('reads JSON and CSV to the same directory', () => {
    writeFileSync(join(dir, 'd.json'), JSON.stringify(directory));
    writeFileSync(
      join(dir, 'd.csv'),
      'account,contact,service_id,ips,hostnames\nacme,ops@acme.example,,,\nacme,Boss@Acme.example,,,\nacme,,SRV-10234,203.0.113.7,web1.acme.example\nother,it@other.example,SRV-20000,,\n',
    );
    const fromCsv = loadDirectory(join(dir, 'd.csv'));
    expect(fromCsv.accounts.map((a) => a.id)).toEqual(['acme', 'other']);
    expect(fromCsv.accounts[0]?.servers[0]).toEqual({
      serviceId: 'SRV-10234',
      ips: ['203.0.113.7'],
      hostnames: ['web1.acme.example'],
    });
    expect(loadDirectory(join(dir, 'd.json')).accounts).toHaveLength(2);
  });
  it('reports a bad file with a coded error naming the problem', () => {
    writeFileSync(join(dir, 'bad.csv'), 'account,contact\nacme,ops@acme.example\n');
    expect(() => loadDirectory(join(dir, 'bad.csv'))).toThrow(
      /bad\.csv:1: missing column\(s\) service_id, ips, hostnames/,
    );
    writeFileSync(
      join(dir, 'bad.json'),
      JSON.stringify({ accounts: [{ id: 'x', contacts: ['not-an-address'] }] }),
    );
    expect(() => loadDirectory(join(dir, 'bad.json'))).toThrow(/accounts\.0\.contacts\.0/);
  });
});
