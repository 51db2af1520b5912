import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shippedRules } from '../../src/rule-engine/load-rules.js';
import { extractServer, type ServerFindings, serverRules } from '../../src/understand/extract-server.js';
import { splitSentences } from '../../src/understand/sentences.js';

const rules = serverRules(shippedRules());
const options = { providerDomains: ['introserv.com', 'hosting.example'] };

function read(text: string): ServerFindings {
  return extractServer(splitSentences(text), rules, options);
}
const ids = (text: string) => read(text).serviceIds.map((x) => x.value);
const ips = (text: string) => read(text).ips.map((x) => x.value);
const hosts = (text: string) => read(text).hostnames.map((x) => x.value);

describe('service ids', () => {
  it('normalises SRV ids to upper case with a dash', () => {
    expect(ids('Bonjour, le serveur srv10234 ne répond plus.')).toEqual(['SRV-10234']);
    expect(ids('Server SRV 10234 is down, see also SRV-10234.')).toEqual(['SRV-10234']);
    expect(ids('Please reinstall (SRV-482913).')).toEqual(['SRV-482913']);
  });

  it('reads labelled numeric ids as #nnnnnn', () => {
    expect(ids('ID de service : 482913')).toEqual(['#482913']);
    expect(ids('Our service ID 482913 needs a reboot.')).toEqual(['#482913']);
    expect(ids("L'identifiant du serveur est le 482913.")).toEqual(['#482913']);
    expect(ids('Identifiant du serveur : 482913')).toEqual(['#482913']);
    expect(ids('Le serveur #482913 est planté.')).toEqual(['#482913']);
    expect(ids('server n° 482913 is down')).toEqual(['#482913']);
  });

  it('reads a bare six-digit #id with less confidence', () => {
    const [found] = read('Please reinstall #482913 tonight.').serviceIds;
    expect(found?.value).toBe('#482913');
    expect(found?.confidence).toBeLessThan(0.9);
  });

  it('does not take ticket, order, invoice or account numbers for a server', () => {
    expect(ids('Suite au ticket #482913, le serveur ne répond plus.')).toEqual([]);
    expect(ids('Invoice #482913 is paid; order n° 123456 too.')).toEqual([]);
    expect(ids('Facture 482913, commande #778812')).toEqual([]);
    expect(ids('Customer ID: 482913')).toEqual([]);
    expect(ids('Re: [INT-000123] reboot')).toEqual([]);
  });

  it('ignores host names that merely start like an id', () => {
    expect(ids('srv1.example.com and srv10234.example.com')).toEqual([]);
  });
});

describe('IP addresses', () => {
  it('validates and normalises IPv4 and IPv6', () => {
    expect(ips('IP : 203.0.113.7')).toEqual(['203.0.113.7']);
    expect(ips('IPv6 2001:0DB8:0000:0000::0001 please')).toEqual(['2001:db8::1']);
    expect(ips('the v6 is [2001:db8::7]:22')).toEqual(['2001:db8::7']);
    expect(ips('ssh root@198.51.100.4 -p 2222')).toEqual(['198.51.100.4']);
  });

  it('drops a CIDR suffix and keeps the address', () => {
    expect(ips('Adresse : 203.0.113.7/24')).toEqual(['203.0.113.7']);
    expect(ips('2001:db8::42/64 est notre IPv6')).toEqual(['2001:db8::42']);
  });

  it('reads IPv4-mapped IPv6 as IPv4', () => {
    expect(ips('connect to ::ffff:192.0.2.1')).toEqual(['192.0.2.1']);
  });

  it('rejects invalid addresses, versions and dates', () => {
    expect(ips('999.1.1.1 and 256.0.0.1')).toEqual([]);
    expect(ips('Ubuntu 22.04.3 LTS, kernel 5.15.0.91')).toEqual([]);
    expect(ips('version 10.2.3.4 of the firmware')).toEqual([]);
    expect(ips('Le 25.11.2026 à 10:30:00')).toEqual([]);
    expect(ips('build 22.04.3.1')).toEqual([]);
    expect(ips('MAC 00:1a:2b:3c:4d:5e')).toEqual([]);
  });

  it('never takes loopback, unspecified, link-local, multicast or masks for the server', () => {
    expect(ips('127.0.0.1, 0.0.0.0, ::1, fe80::1, 169.254.1.1, 224.0.0.1, 255.255.255.0')).toEqual([]);
  });

  it('keeps private addresses with a lower confidence', () => {
    const [lan] = read('Le serveur a l’IP privée 10.0.0.5.').ips;
    const [wan] = read('Le serveur a l’IP 203.0.113.7.').ips;
    expect(lan?.value).toBe('10.0.0.5');
    expect(lan!.confidence).toBeLessThan(wan!.confidence);
  });

  it('does not take gateways, DNS servers or the customer’s own connection for the server', () => {
    expect(ips('Gateway 203.0.113.1, DNS: 198.51.100.53, netmask 255.255.255.0')).toEqual([]);
    expect(ips('I locked myself out, my home IP is 198.51.100.23.')).toEqual([]);
    expect(ips('Pouvez-vous débloquer l’IP 198.51.100.23 sur le serveur 203.0.113.7 ?')).toEqual([
      '203.0.113.7',
    ]);
    expect(ips('Je me connecte depuis mon bureau 198.51.100.23')).toEqual([]);
  });

  it('does not take the console (IPMI, iDRAC, BMC) address for the server’s, even on the next line', () => {
    expect(ips('iDRAC: 198.51.100.9, server IP 203.0.113.7')).toEqual(['203.0.113.7']);
    expect(ips('Voici l’accès IPMI :\nhttps://198.51.100.201\nidentifiant : ADMIN')).toEqual([]);
    expect(ips('Le serveur :\n203.0.113.50')).toEqual(['203.0.113.50']);
  });

  it('ignores addresses inside links to the provider’s own sites', () => {
    expect(ips('Voir https://panel.introserv.com/servers/203.0.113.7/console')).toEqual([]);
    expect(ips('https://hosting.example/ip/198.51.100.9 shows it')).toEqual([]);
    expect(
      ids('The panel page https://my.hosting.example/services/SRV-77001/overview says running.'),
    ).toEqual([]);
    expect(ips('Proxmox is at https://203.0.113.7:8006/')).toEqual(['203.0.113.7']);
  });
});

describe('host names', () => {
  it('reads FQDNs, lower-cased', () => {
    expect(hosts('Le serveur Web1.Example.COM ne répond plus.')).toEqual(['web1.example.com']);
    expect(hosts('db-2.client.fr and mail.client.fr.')).toEqual(['db-2.client.fr', 'mail.client.fr']);
    expect(hosts('ssh root@db1.client.fr')).toEqual(['db1.client.fr']);
  });

  it('does not take e-mail domains, file names or versions for hosts', () => {
    expect(hosts('Écrivez à jean.dupont@client.fr')).toEqual([]);
    expect(hosts('See nginx.conf and backup.tar.gz, then run install.sh')).toEqual([]);
    expect(hosts('Ubuntu 22.04, PHP 8.2, node.js and ASP.NET')).toEqual([]);
    expect(hosts('sshd.service failed; check README.md')).toEqual([]);
    expect(hosts('Merci.Cordialement')).toEqual([]);
    expect(hosts('i.e. the server, e.g. this one')).toEqual([]);
  });

  it('ignores the provider’s own domains, links and their paths', () => {
    expect(hosts('I opened panel.introserv.com and www.introserv.com/support')).toEqual([]);
    expect(hosts('cf. https://hosting.example/kb/reinstall.example.org')).toEqual([]);
    expect(hosts('https://shop.client.fr/cart?ref=web.example.org is down')).toEqual(['shop.client.fr']);
  });

  it('reads a host in a link with a lower confidence than a bare one', () => {
    const [inLink] = read('https://shop.client.fr/ is down').hostnames;
    const [bare] = read('web1.client.fr is down').hostnames;
    expect(inLink!.confidence).toBeLessThan(bare!.confidence);
  });
});

describe('extractServer', () => {
  it('deduplicates by value, keeping the first evidence, in order of appearance', () => {
    const text = 'Serveur 203.0.113.7 (SRV-10234).\nRappel : SRV-10234, IP 203.0.113.7, 198.51.100.4.';
    const found = read(text);
    expect(found.serviceIds.map((x) => x.value)).toEqual(['SRV-10234']);
    expect(found.ips.map((x) => x.value)).toEqual(['203.0.113.7', '198.51.100.4']);
    expect(found.ips[0]!.evidence.text).toBe('Serveur 203.0.113.7 (SRV-10234).');
    expect(text.slice(found.ips[1]!.evidence.start, found.ips[1]!.evidence.end)).toBe(
      found.ips[1]!.evidence.text,
    );
  });

  it('reads a typical French and a typical English request', () => {
    expect(
      read('Bonjour, notre serveur dédié SRV-10234 (IP 203.0.113.7, hôte web1.client.fr) est planté.'),
    ).toMatchObject({
      serviceIds: [{ value: 'SRV-10234' }],
      ips: [{ value: '203.0.113.7' }],
      hostnames: [{ value: 'web1.client.fr' }],
    });
    expect(
      read('Hi, please reinstall server #482913 / 2001:db8::10, hostname node7.example.net.'),
    ).toMatchObject({
      serviceIds: [{ value: '#482913' }],
      ips: [{ value: '2001:db8::10' }],
      hostnames: [{ value: 'node7.example.net' }],
    });
  });

  it('never throws and its evidence points into the text', () => {
    const token = fc.constantFrom(
      'SRV-10234',
      '#482913',
      '203.0.113.7',
      '2001:db8::1',
      '::',
      ':',
      '.',
      '/24',
      '@',
      'web1.example.com',
      'https://',
      'introserv.com',
      ' ',
      '\n',
      'ticket',
      'gateway',
      '999.1.1.1',
      'é',
      '[[SECRET-1]]',
    );
    const text = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.array(token, { maxLength: 60 }).map((t) => t.join('')),
    );
    fc.assert(
      fc.property(text, (t) => {
        const found = read(t);
        for (const list of [found.serviceIds, found.ips, found.hostnames]) {
          for (const x of list) expect(t.slice(x.evidence.start, x.evidence.end)).toBe(x.evidence.text);
        }
      }),
      { numRuns: 300 },
    );
  });
});
