import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shippedRules } from '../../src/rule-engine/load-rules.js';
import { extractOs, type OsFinding, osRules } from '../../src/understand/extract-os.js';
import { splitSentences } from '../../src/understand/sentences.js';

const book = shippedRules();
const rules = osRules(book);

const read = (text: string): OsFinding | null => extractOs(splitSentences(text), rules);

/** The finding as plain values: distribution, version, edition, partitioning, raid, current. */
function os(text: string) {
  const f = read(text);
  if (!f) return null;
  return {
    distribution: f.distribution?.value ?? null,
    version: f.version?.value ?? null,
    edition: f.edition?.value ?? null,
    partitioning: f.partitioning?.value ?? null,
    raid: f.raid?.value ?? null,
    current: f.current ? [f.current.distribution, f.current.version] : null,
  };
}
const choice = (text: string) => {
  const f = os(text);
  return f && [f.distribution, f.version, f.edition];
};

describe('the catalog', () => {
  it('reads distributions and normalises versions without suffixes', () => {
    expect(choice('Système d’exploitation préféré : Ubuntu 22.04 LTS')).toEqual(['ubuntu', '22.04', null]);
    expect(choice('Please install Ubuntu Server 24.04.1 LTS')).toEqual(['ubuntu', '24.04', null]);
    expect(choice('Merci d’installer Debian 12.5')).toEqual(['debian', '12', null]);
    expect(choice('AlmaLinux 9.4 please')).toEqual(['almalinux', '9.4', null]);
    expect(choice('Rocky Linux 8')).toEqual(['rockylinux', '8', null]);
    expect(choice('CentOS Stream 9')).toEqual(['centos', '9', null]);
    expect(choice('CentOS 7.9.2009')).toEqual(['centos', '7.9', null]);
    expect(choice('Proxmox VE 8.2')).toEqual(['proxmox', '8.2', null]);
    expect(choice('VMware ESXi 8.0U2')).toEqual(['vmware_esxi', '8.0', null]);
    expect(choice('FreeBSD 14.1-RELEASE')).toEqual(['freebsd', '14.1', null]);
    expect(choice('openSUSE Leap 15.6')).toEqual(['opensuse', '15.6', null]);
    expect(choice('Fedora Server 40')).toEqual(['fedora', '40', null]);
  });

  it('reads aliases and short forms', () => {
    expect(choice('réinstallez en Alma 9 svp')).toEqual(['almalinux', '9', null]);
    expect(choice('Rocky 9 would be fine')).toEqual(['rockylinux', '9', null]);
    expect(choice('W2K22 please')).toEqual(['windows_server', '2022', null]);
    expect(choice('Windows 2022')).toEqual(['windows_server', '2022', null]);
    expect(choice('Win Server 2019')).toEqual(['windows_server', '2019', null]);
    expect(choice('WS2012 R2')).toEqual(['windows_server', '2012 R2', null]);
    expect(choice('Ubuntu 22 please')).toEqual(['ubuntu', '22.04', null]);
  });

  it('reads codenames, alone when they are unambiguous and next to the name otherwise', () => {
    expect(choice('Debian Bookworm')).toEqual(['debian', '12', null]);
    expect(choice('Ubuntu Noble')).toEqual(['ubuntu', '24.04', null]);
    expect(choice('Jammy please')).toEqual(['ubuntu', '22.04', null]);
    expect(choice('Ubuntu 24.04 (Noble Numbat)')).toEqual(['ubuntu', '24.04', null]);
    expect(os('A noble cause, a buster of myths.')).toBeNull();
  });

  it('reads Windows editions next to the name or labelled anywhere', () => {
    expect(choice('Windows Server 2022 Datacenter')).toEqual(['windows_server', '2022', 'datacenter']);
    expect(choice('Please install Windows Server 2019, Standard edition.')).toEqual([
      'windows_server',
      '2019',
      'standard',
    ]);
    expect(choice('OS : Windows Server 2022\nÉdition : Standard')).toEqual([
      'windows_server',
      '2022',
      'standard',
    ]);
    expect(choice('W2K19 Essentials')).toEqual(['windows_server', '2019', 'essentials']);
    expect(choice('Windows Server 2022, partitionnement standard')).toEqual(['windows_server', '2022', null]);
  });

  it('finds a version given on its own line', () => {
    expect(choice('OS: Ubuntu\nVersion: 24.04')).toEqual(['ubuntu', '24.04', null]);
    expect(choice('Please install Debian. Debian 12 if possible.')).toEqual(['debian', '12', null]);
  });

  it('does not read desktop Windows, "maintenance windows" or other products as a server OS', () => {
    expect(os('Only during our maintenance windows, please.')).toBeNull();
    expect(os('My laptop runs Windows 11.')).toBeNull();
    expect(os('SQL Server 2019 is installed.')).toBeNull();
    expect(os('Proxmox Backup Server 3.1')).toBeNull();
  });

  it('leaves the version null when none is valid', () => {
    expect(choice('Please install Debian 42')).toEqual(['debian', null, null]);
    expect(choice('Install Windows please')).toEqual(['windows_server', null, null]);
  });
});

describe('current vs wanted', () => {
  it('prefers the target of the reinstall to the system the server runs now', () => {
    expect(os('We run CentOS 7 now, please install AlmaLinux 9.')).toMatchObject({
      distribution: 'almalinux',
      version: '9',
      current: ['centos', '7'],
    });
    expect(os('Merci de remplacer Ubuntu 20.04 par Debian 12.')).toMatchObject({
      distribution: 'debian',
      current: ['ubuntu', '20.04'],
    });
    expect(os('Nous souhaitons passer de CentOS 7 à Rocky Linux 9.')).toMatchObject({
      distribution: 'rockylinux',
      current: ['centos', '7'],
    });
    expect(os('Please migrate from Debian 10 to Ubuntu 24.04.')).toMatchObject({
      distribution: 'ubuntu',
      version: '24.04',
      current: ['debian', '10'],
    });
    expect(os('Please reinstall Debian 12 instead of Ubuntu 20.04.')).toMatchObject({
      distribution: 'debian',
      current: ['ubuntu', '20.04'],
    });
    expect(os('Installez Debian 12 au lieu de CentOS 7, merci.')).toMatchObject({
      distribution: 'debian',
      current: ['centos', '7'],
    });
  });

  it('reads the current system in its own clause or sentence', () => {
    expect(
      os('Le serveur tourne actuellement sous Debian 10 et nous voulons Debian Bookworm.'),
    ).toMatchObject({
      distribution: 'debian',
      version: '12',
      current: ['debian', '10'],
    });
    expect(os('Actuellement sous CentOS 7, nous voudrions AlmaLinux 9.')).toMatchObject({
      distribution: 'almalinux',
      current: ['centos', '7'],
    });
    expect(os('Please reinstall the OS (currently CentOS 7) with Rocky Linux 9.')).toMatchObject({
      distribution: 'rockylinux',
      current: ['centos', '7'],
    });
    expect(
      os('The server currently runs Windows Server 2016; we would like Windows Server 2022 Datacenter.'),
    ).toMatchObject({
      distribution: 'windows_server',
      version: '2022',
      edition: 'datacenter',
      current: ['windows_server', '2016'],
    });
  });

  it('gives no wanted system when only the current one is named', () => {
    expect(os('Please reinstall the server. It is currently running Ubuntu 20.04.')).toEqual({
      distribution: null,
      version: null,
      edition: null,
      partitioning: null,
      raid: null,
      current: ['ubuntu', '20.04'],
    });
  });

  it('reads a version upgrade as the target version', () => {
    expect(os('Please upgrade from Ubuntu 20.04 to 22.04.')).toMatchObject({
      distribution: 'ubuntu',
      version: '22.04',
      current: ['ubuntu', '20.04'],
    });
  });

  it('never chooses a refused system', () => {
    expect(choice('Réinstallez en Debian 12, pas Ubuntu.')).toEqual(['debian', '12', null]);
    expect(choice('Anything except CentOS, ideally Rocky Linux 9.')).toEqual(['rockylinux', '9', null]);
  });

  it('takes the later of two wanted systems (a correction)', () => {
    expect(choice('Please install Debian 11. Sorry, I meant Debian 12, please.')).toEqual([
      'debian',
      '12',
      null,
    ]);
  });
});

describe('partitioning and RAID', () => {
  it('reads labelled answers, canonical when a known form fits and as given otherwise', () => {
    const form =
      'Système d’exploitation préféré : Ubuntu 22.04 LTS\nPartitionnement : Par défaut / partition unique';
    expect(os(form)).toMatchObject({ distribution: 'ubuntu', partitioning: 'default' });
    expect(os('OS: Debian 12\nPartitioning: / 50GB, /home the rest')).toMatchObject({
      partitioning: '/ 50GB, /home the rest',
    });
    expect(
      os('Système : Rocky Linux 9\n* Partitionnement : par défaut\n* RAID : RAID 1 logiciel'),
    ).toMatchObject({
      partitioning: 'default',
      raid: 'raid1',
    });
    expect(os('OS: Debian 12\nRAID: 1')).toMatchObject({ raid: 'raid1' });
    expect(os('OS : Debian 12\nRAID : aucun')).toMatchObject({ raid: 'none' });
  });

  it('reads partitioning and RAID wishes in French and English', () => {
    expect(
      os('Please install Proxmox VE 8 with RAID 10 logiciel and the default partitioning.'),
    ).toMatchObject({
      partitioning: 'default',
      raid: 'raid10',
    });
    expect(os('Réinstallez Debian 12 en RAID1 logiciel, une seule partition.')).toMatchObject({
      partitioning: 'single partition',
      raid: 'raid1',
    });
    expect(os('Reinstall with Ubuntu 24.04, single partition, no RAID.')).toMatchObject({
      partitioning: 'single partition',
      raid: 'none',
    });
    expect(os('Debian 12 with software RAID 1 and a separate /home partition please')).toMatchObject({
      partitioning: 'separate /home partition',
      raid: 'raid1',
    });
  });

  it('reads volume managers, mirrors and "no RAID needed"', () => {
    expect(os('Réinstallez sous Debian Bookworm, partitionnement LVM standard, sans RAID.')).toMatchObject({
      partitioning: 'lvm',
      raid: 'none',
    });
    expect(os('Proxmox VE 8 avec ZFS en miroir sur les deux SSD.')).toMatchObject({
      partitioning: 'zfs',
      raid: 'raid1',
    });
    expect(
      os('Reinstall with Windows Server 2025; we don’t need any RAID, default partitioning is fine.'),
    ).toMatchObject({
      partitioning: 'default',
      raid: 'none',
    });
  });

  it('does not read a failing array or the current layout as a wish', () => {
    expect(os('One disk of the RAID 1 failed, please replace it.')).toBeNull();
    expect(os('Le RAID 1 est dégradé depuis hier.')).toBeNull();
    expect(os('We currently have RAID 0; please reinstall Debian 12 with RAID 1.')).toMatchObject({
      raid: 'raid1',
    });
  });

  it('reads RAID or partitioning alone in a reinstall message (a follow-up)', () => {
    expect(os('Pour la réinstallation : RAID 1 logiciel svp.')).toMatchObject({
      distribution: null,
      raid: 'raid1',
    });
    expect(os('Partitioning: default, please.')).toMatchObject({
      distribution: null,
      partitioning: 'default',
    });
  });
});

describe('evidence', () => {
  it('points at the sentence each value came from', () => {
    const text = 'Bonjour,\nOS : Windows Server 2022\nÉdition : Datacenter\nPartitionnement : par défaut';
    const f = read(text)!;
    expect(f.distribution?.evidence.text).toBe('OS : Windows Server 2022');
    expect(f.edition?.evidence.text).toBe('Édition : Datacenter');
    expect(f.partitioning?.evidence.text).toBe('Partitionnement : par défaut');
    for (const x of [f.distribution, f.version, f.edition, f.partitioning]) {
      expect(text.slice(x!.evidence.start, x!.evidence.end)).toBe(x!.evidence.text);
    }
  });

  it('never throws and its evidence points into the text', () => {
    const token = fc.constantFrom(
      'Ubuntu',
      'Debian',
      ' 12',
      ' 22.04',
      'Windows',
      ' Server',
      ' 2022',
      'W2K22',
      'Datacenter',
      'currently',
      'instead of',
      'from',
      ' to ',
      'par',
      'pas',
      'RAID 1',
      'no RAID',
      'Partitionnement : ',
      'Version: ',
      'Bookworm',
      'noble',
      ', ',
      '. ',
      '\n',
      ' ',
      '(',
      ')',
      'é',
      'Alma',
    );
    const text = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.array(token, { maxLength: 60 }).map((t) => t.join('')),
    );
    fc.assert(
      fc.property(text, (t) => {
        const f = read(t);
        if (!f) return;
        for (const x of [f.distribution, f.version, f.edition, f.partitioning, f.raid]) {
          if (x) expect(t.slice(x.evidence.start, x.evidence.end)).toBe(x.evidence.text);
        }
        if (f.current)
          expect(t.slice(f.current.evidence.start, f.current.evidence.end)).toBe(f.current.evidence.text);
      }),
      { numRuns: 300 },
    );
  });
});
