import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shippedRules } from '../../src/rule-engine/load-rules.js';
import {
  extractHardware,
  type HardwareFindings,
  hardwareRules,
} from '../../src/understand/extract-hardware.js';
import { splitSentences } from '../../src/understand/sentences.js';

const rules = hardwareRules(shippedRules());

const read = (text: string): HardwareFindings => extractHardware(splitSentences(text), rules);
/** The components as plain values, without evidence. */
const parts = (text: string) =>
  read(text).components.map(({ value }) => {
    const { moreEvidence: _, ...component } = value;
    return component;
  });

describe('kinds, actions and details', () => {
  it('reads a RAM addition in French with number words and « Go »', () => {
    expect(parts('Bonjour, pouvez-vous ajouter deux barrettes de 32 Go de RAM sur SRV-10234 ?')).toEqual([
      {
        kind: 'ram',
        action: 'add',
        quantity: 2,
        size: '32GB',
        serials: [],
        slot: null,
        faulty: false,
        question: false,
      },
    ]);
  });

  it('reads quantities written in digits, words and "x"', () => {
    expect(parts('Please add 2x 32GB DIMMs in slots A2 and B2.')).toMatchObject([
      { kind: 'ram', action: 'add', quantity: 2, size: '32GB', slot: 'A2, B2' },
    ]);
    expect(parts('Could you add four new 2TB NVMe drives?')).toMatchObject([
      { kind: 'disk', action: 'add', quantity: 4, size: '2TB' },
    ]);
    expect(parts('Merci d’ajouter 4 barrettes de 16 Go.')).toMatchObject([
      { kind: 'ram', quantity: 4, size: '16GB' },
    ]);
    expect(parts('Please install two additional DIMMs.')).toMatchObject([
      { kind: 'ram', action: 'add', quantity: 2 },
    ]);
    expect(parts('Add a pair of SSDs please.')).toMatchObject([{ kind: 'disk', quantity: 2 }]);
    expect(parts('Add 32GB DIMM x2.')).toMatchObject([{ kind: 'ram', quantity: 2, size: '32GB' }]);
    expect(parts('Add 32GB of RAM.')).toMatchObject([{ kind: 'ram', quantity: null, size: '32GB' }]);
  });

  it('normalises sizes', () => {
    expect(parts('Ajouter un SSD de 1,92 To.')).toMatchObject([{ size: '1.92TB' }]);
    expect(parts('Add a 960 GB SSD.')).toMatchObject([{ size: '960GB' }]);
    expect(parts('add 64G of ram')).toMatchObject([{ size: '64GB' }]);
    expect(parts('Add a 10Gbps network card.')).toMatchObject([{ kind: 'nic', size: null }]);
  });

  it('reads upgrades, with the target capacity', () => {
    expect(parts('Please upgrade the RAM from 32GB to 64GB.')).toMatchObject([
      { kind: 'ram', action: 'upgrade', size: '64GB' },
    ]);
    expect(parts('Je souhaite passer à 64 Go de RAM.')).toMatchObject([
      { kind: 'ram', action: 'upgrade', size: '64GB' },
    ]);
    expect(parts('Nous aimerions augmenter la mémoire à 128 Go.')).toMatchObject([
      { kind: 'ram', action: 'upgrade', size: '128GB' },
    ]);
    expect(parts('We need more RAM.')).toMatchObject([{ kind: 'ram', action: 'add' }]);
  });

  it('reads every kind', () => {
    expect(parts('Replace the power supply please.')).toMatchObject([{ kind: 'psu', action: 'replace' }]);
    expect(parts('Le bloc d’alimentation est HS.')).toMatchObject([
      { kind: 'psu', action: 'replace', faulty: true },
    ]);
    expect(parts('Merci d’ajouter une carte réseau 10 Gb.')).toMatchObject([{ kind: 'nic', action: 'add' }]);
    expect(parts('Please upgrade the CPU to a Xeon Gold.')).toMatchObject([
      { kind: 'cpu', action: 'upgrade' },
    ]);
    expect(parts('Le contrôleur RAID est défectueux, merci de le remplacer.')).toMatchObject([
      { kind: 'raid_controller', action: 'replace', faulty: true },
    ]);
    expect(parts('Please replace the noisy fan.')).toMatchObject([{ kind: 'other', action: 'replace' }]);
    expect(parts('Add an NVMe drive.')).toMatchObject([{ kind: 'disk' }]);
  });

  it('reads several components of one sentence', () => {
    expect(parts('Add 32GB RAM and replace the faulty SSD (sdb), serial ZA1234AB.')).toMatchObject([
      { kind: 'ram', action: 'add', size: '32GB', faulty: false },
      { kind: 'disk', action: 'replace', slot: null, serials: ['ZA1234AB'], faulty: true },
    ]);
    expect(parts('The disk needs to be replaced, and please also add a second PSU.')).toMatchObject([
      { kind: 'disk', action: 'replace' },
      { kind: 'psu', action: 'add' },
    ]);
  });
});

describe('faulty components, serials and slots', () => {
  it('reads a failure and the replacement asked in the next sentence', () => {
    const [disk] = read('The SSD in bay 2 failed. Please replace it. S/N: WD-WCC4N1234567').components;
    expect(disk?.value).toMatchObject({
      kind: 'disk',
      action: 'replace',
      faulty: true,
      slot: '2',
      serials: ['WD-WCC4N1234567'],
    });
    expect(disk?.evidence.text).toBe('The SSD in bay 2 failed.');
    expect(disk?.value.moreEvidence.map((e) => e.text)).toEqual([
      'Please replace it.',
      'S/N: WD-WCC4N1234567',
    ]);
  });

  it('reads the French form, with the serial on its own line', () => {
    expect(parts('Le disque 2 est HS, merci de le remplacer.\nNuméro de série : S4EVNX0M123456')).toEqual([
      {
        kind: 'disk',
        action: 'replace',
        quantity: null,
        size: null,
        serials: ['S4EVNX0M123456'],
        slot: '2',
        faulty: true,
        question: false,
      },
    ]);
  });

  it('reads a "Label : value" form', () => {
    const text =
      'Composant : disque SSD 2 To\nAction : remplacement\nNuméro de série : S4EVNX0M123456\nEmplacement : baie 3';
    expect(parts(text)).toMatchObject([
      { kind: 'disk', action: 'replace', size: '2TB', serials: ['S4EVNX0M123456'], slot: '3' },
    ]);
  });

  it('reads several serials after one label and board slot names', () => {
    expect(parts('Please replace both disks, serials: ZA1234AB, ZA5678CD.')).toMatchObject([
      { kind: 'disk', serials: ['ZA1234AB', 'ZA5678CD'] },
    ]);
    expect(parts('Merci de remplacer la barrette défectueuse en P1-DIMMA1.')).toMatchObject([
      { kind: 'ram', slot: 'P1-DIMMA1', faulty: true },
    ]);
    expect(parts('The serial number of the broken drive is ZL0ABC12, please swap it.')).toMatchObject([
      { kind: 'disk', action: 'replace', serials: ['ZL0ABC12'] },
    ]);
    expect(parts('Please replace DIMM B2, it has ECC errors.')).toMatchObject([
      { kind: 'ram', slot: 'B2', faulty: true },
    ]);
    expect(
      parts('Le disque dur numéro 2 présente des erreurs SMART. Merci de procéder à son remplacement.'),
    ).toMatchObject([{ kind: 'disk', action: 'replace', slot: '2', faulty: true }]);
    expect(parts('The RAID is degraded: /dev/sda is failing. Please replace the disk.')).toMatchObject([
      { kind: 'disk', action: 'replace', slot: null, faulty: true },
    ]);
  });

  it('a failed component with nothing asked is still one to replace, less sure', () => {
    const [disk] = read('Le disque n°2 est défectueux.').components;
    expect(disk?.value).toMatchObject({ kind: 'disk', action: 'replace', faulty: true, slot: '2' });
    expect(disk!.confidence).toBeLessThan(0.7);
  });

  it('keeps descriptions as details, not as quantities', () => {
    expect(parts('We have 4 disks of 2TB in RAID 10. Disk 3 failed. Please replace it.')).toMatchObject([
      { kind: 'disk', action: 'replace', quantity: null, size: '2TB', slot: '3', faulty: true },
    ]);
    expect(parts('The server has 64GB of RAM and the disk is full.')).toEqual([]);
  });
});

describe('how customers actually write it', () => {
  it('reads a past participle as a wish unless it is a past event', () => {
    expect(
      parts('We would like a second 10GbE network card (Intel or similar) installed in the server.'),
    ).toMatchObject([{ kind: 'nic', action: 'add' }]);
    expect(parts('Needed on our box:\n- 4 x 960GB SSDs added in the free bays')).toMatchObject([
      { kind: 'disk', action: 'add', quantity: 4, size: '960GB' },
    ]);
    expect(parts('The PSU was replaced last month and works fine.')).toEqual([]);
    expect(parts('On a déjà ajouté deux barrettes la semaine dernière.')).toEqual([]);
  });

  it('infers the kind from a capacity when no component is named', () => {
    expect(parts('We need 4 x 8GB added, please.')).toMatchObject([
      { kind: 'ram', action: 'add', quantity: 4, size: '8GB' },
    ]);
    expect(parts('Merci d’ajouter 2 x 4 To.')).toMatchObject([
      { kind: 'disk', action: 'add', quantity: 2, size: '4TB' },
    ]);
    const [guess] = read('We need 4 x 8GB added, please.').components;
    expect(guess!.confidence).toBeLessThan(0.6);
  });

  it('reads a total with its breakdown as modules', () => {
    expect(parts('Please add 128GB more memory (4 x 32GB RDIMM).')).toEqual([
      {
        kind: 'ram',
        action: 'add',
        quantity: 4,
        size: '32GB',
        serials: [],
        slot: null,
        faulty: false,
        question: false,
      },
    ]);
  });

  it('reads a replacement by something better as an upgrade', () => {
    expect(parts('Please replace the current CPU with a more powerful one.')).toMatchObject([
      { kind: 'cpu', action: 'upgrade' },
    ]);
    expect(parts('Merci de remplacer les deux disques de 1 To par deux disques de 4 To.')).toMatchObject([
      { kind: 'disk', action: 'upgrade', quantity: 2, size: '4TB' },
    ]);
    expect(parts('Please replace the failed 1TB disk with a 2TB one.')).toMatchObject([
      { kind: 'disk', action: 'replace', faulty: true },
    ]);
  });

  it('reads numbered parts as slots', () => {
    expect(parts('PSU2 has failed, please replace it.')).toMatchObject([{ kind: 'psu', slot: '2' }]);
    expect(parts('Le ventilateur n°4 est en panne, merci de le changer.')).toMatchObject([
      { kind: 'other', slot: '4' },
    ]);
    expect(parts("L'alimentation 1 est en défaut.")).toMatchObject([
      { kind: 'psu', slot: '1', faulty: true },
    ]);
  });

  it('does not take the reporter of a failure for the failed part', () => {
    expect(
      parts(
        'Le disque en baie 2 (n° de série AB12CD34) est signalé défectueux par le contrôleur RAID. Merci de le remplacer.',
      ),
    ).toEqual([
      {
        kind: 'disk',
        action: 'replace',
        quantity: null,
        size: null,
        serials: ['AB12CD34'],
        slot: '2',
        faulty: true,
        question: false,
      },
    ]);
  });

  it('reads nothing in the acknowledgement statements', () => {
    expect(
      parts(
        'I understand and accept that replacing or upgrading hardware may cause temporary downtime or data loss if the affected component stores active data.',
      ),
    ).toEqual([]);
    expect(
      parts(
        "J'ai sauvegardé toutes les données nécessaires ou je comprends que la perte de données peut se produire lors du remplacement ou de la mise à niveau du matériel (comme le remplacement d'un dispositif de stockage ou d'un module de mémoire).",
      ),
    ).toEqual([]);
  });

  it('does not give an action of a later sentence to an earlier description', () => {
    expect(parts('The two disks stay as they are. We will install our software ourselves.')).toEqual([]);
    expect(parts('We use the storage network for backups. Please add a VLAN.')).toEqual([]);
  });
});

describe('what is not a component', () => {
  it('a diagnosis with no part to add or replace', () => {
    expect(parts('Please run a memory test on the server, we see ECC errors.')).toEqual([]);
    expect(parts('Merci de faire un diagnostic matériel, le disque semble défaillant.')).toEqual([]);
    expect(parts('Could you check the disks with smartctl?')).toEqual([]);
  });

  it('a refused action', () => {
    expect(parts('Ne remplacez pas le disque, lancez plutôt un diagnostic matériel.')).toEqual([]);
    expect(parts("Please don't touch the PSU.")).toEqual([]);
    expect(parts('Merci de ne pas changer la RAM.')).toEqual([]);
    expect(parts("Pas besoin d'ajouter de la RAM.")).toEqual([]);
    expect(parts('The disk failed. Do not replace it yet, we are copying data.')).toEqual([]);
    expect(parts("Replace the failed disk but don't touch the PSU.")).toMatchObject([{ kind: 'disk' }]);
    expect(parts('Please replace the disk, not the PSU.')).toMatchObject([{ kind: 'disk' }]);
    expect(
      parts('Merci de ne pas toucher à la carte réseau et de remplacer la barrette défectueuse.'),
    ).toMatchObject([{ kind: 'ram', action: 'replace' }]);
  });

  it('a past event', () => {
    expect(parts('After the RAM upgrade last week, the server crashes.')).toEqual([]);
    expect(parts('The disk was replaced yesterday but the server still does not boot.')).toEqual([]);
    expect(parts('Le disque doit être remplacé.')).toMatchObject([{ kind: 'disk', action: 'replace' }]);
  });

  it('an action on something else than the component', () => {
    expect(parts('Please install Debian on the new disk.')).toEqual([]);
    expect(parts('Replace the config file on the disk.')).toEqual([]);
    expect(parts('Out of memory errors since the update: please reboot.')).toEqual([]);
    expect(parts('Le cycle d’alimentation du serveur est autorisé.')).toEqual([]);
    expect(parts('Depuis le remplacement du disque, le serveur ne démarre plus.')).toEqual([]);
    expect(parts('Hi, memory usage is very high since yesterday. Can you take a look?')).toEqual([]);
  });

  it('a hypothetical or a general question is flagged as a question', () => {
    expect(
      parts('Are your drive bays hot-swappable? If a disk dies, can it be changed without downtime?'),
    ).toMatchObject([{ kind: 'disk', question: true }]);
    expect(parts('Do you have 4TB disks in stock?')).toEqual([]);
    expect(parts('Le disque 2 est mort, peut-il être remplacé ce soir ?')).toMatchObject([
      { kind: 'disk', question: false },
    ]);
    expect(parts('Merci de remplacer le disque si nécessaire.')).toMatchObject([
      { kind: 'disk', question: false },
    ]);
    expect(parts('Could you guys find out why? Maybe the disk? Or the RAID controller?')).toEqual([]);
  });

  it('a price question is flagged, not dropped', () => {
    expect(parts('How much is 32GB more RAM?')).toMatchObject([
      { kind: 'ram', size: '32GB', question: true },
    ]);
    expect(parts('Combien coûte un disque SSD de 2 To supplémentaire ?')).toMatchObject([
      { kind: 'disk', action: 'add', question: true },
    ]);
    expect(parts('Can you add 32GB of RAM?')).toMatchObject([{ question: false }]);
    expect(parts('Is it possible to add more RAM? How much would it cost?')).toMatchObject([
      { kind: 'ram', action: 'add', question: true },
    ]);
  });
});

describe('hot-swap questions', () => {
  const asks = (text: string) => read(text).hotSwapQuestion;
  it('are questions about replacing without downtime', () => {
    expect(asks('Le disque 2 est HS. Est-ce remplaçable à chaud ?')).toBe(true);
    expect(asks('Can you hot-swap it?')).toBe(true);
    expect(asks('Is the disk hot-pluggable?')).toBe(true);
    expect(asks('Can the disk be replaced without shutting down the server?')).toBe(true);
    expect(asks('Merci de confirmer si le disque peut être changé sans arrêter le serveur.')).toBe(true);
  });
  it('are not statements', () => {
    expect(asks('The disks are hot-swap.')).toBe(false);
    expect(asks('Vous pouvez le remplacer à chaud.')).toBe(false);
    expect(asks('Please replace the disk tonight.')).toBe(false);
  });
  it('carry their evidence', () => {
    const found = read('Disk 2 failed, please replace it. Is it hot-swappable?');
    expect(found.hotSwap?.evidence.text).toBe('Is it hot-swappable?');
  });
});

describe('failures told as a story', () => {
  it('reads a part that died or gave up as one to replace, with its size and slot', () => {
    expect(parts('Our 1.92TB SSD in slot 5 just died this morning.')).toMatchObject([
      { kind: 'disk', action: 'replace', size: '1.92TB', slot: '5', faulty: true },
    ]);
    expect(parts('Looks like the power supply gave up overnight.')).toMatchObject([
      { kind: 'psu', action: 'replace', faulty: true },
    ]);
    expect(parts('One drive fell out of the array on Sunday.')).toMatchObject([
      { kind: 'disk', action: 'replace', faulty: true },
    ]);
    expect(parts('Bonjour, le SSD de la baie 1 vient de lâcher.')).toMatchObject([
      { kind: 'disk', action: 'replace', slot: '1', faulty: true },
    ]);
    expect(parts('Le deuxième disque dur est mort depuis hier soir.')).toMatchObject([
      { kind: 'disk', action: 'replace', faulty: true },
    ]);
    expect(parts("L'alim a rendu l'âme.")).toMatchObject([{ kind: 'psu', action: 'replace', faulty: true }]);
  });

  it('takes the serial from pasted smartctl output, not the model line', () => {
    const text = [
      'The 480GB SSD in bay 4 died tonight, please swap it.',
      '',
      '=== START OF INFORMATION SECTION ===',
      'Device Model:     INTEL SSDSC2KB480G8',
      'Serial Number:    PHYF9123004Y480BGN',
      'User Capacity:    480,103,981,056 bytes [480 GB]',
    ].join('\n');
    expect(parts(text)).toEqual([
      {
        kind: 'disk',
        action: 'replace',
        quantity: null,
        size: '480GB',
        serials: ['PHYF9123004Y480BGN'],
        slot: '4',
        faulty: true,
        question: false,
      },
    ]);
    const nvme = [
      'Model Number:                       Samsung SSD 980 PRO 2TB',
      'Serial Number:                      S6B0NL0W412345',
      '',
      'This NVMe is dead, can you replace it?',
    ].join('\n');
    expect(parts(nvme)).toMatchObject([
      { kind: 'disk', action: 'replace', serials: ['S6B0NL0W412345'], slot: null, faulty: true },
    ]);
    expect(
      parts('Le disque de la baie 2 a lâché.\nN° de série : ZL2K8R4T\nModèle : Seagate Exos 8 To'),
    ).toMatchObject([{ kind: 'disk', serials: ['ZL2K8R4T'], slot: '2' }]);
  });
});

describe('casual hot-swap questions', () => {
  const asks = (text: string) => read(text).hotSwapQuestion;
  it('are recognised', () => {
    expect(asks('The SSD is dead. Could you replace it hot or do we need a shutdown?')).toBe(true);
    expect(asks('Is that thing hot-swappable?')).toBe(true);
    expect(asks('hot-swap ok?')).toBe(true);
    expect(asks('Le disque est HS, vous pouvez le remplacer à chaud ?')).toBe(true);
    expect(asks('Can the PSU be swapped out while the box is running?')).toBe(true);
    expect(asks('PSU 1 failed. Will the server have to be shut down for the swap?')).toBe(true);
    expect(asks('Le disque 3 a lâché. Faut-il éteindre le serveur ?')).toBe(true);
  });
  it('a downtime question about added memory is not one', () => {
    expect(asks('We need 64GB more RAM. Does the box have to be shut down for that?')).toBe(false);
    expect(asks('The update failed. Does the server need a reboot?')).toBe(false);
  });
});

describe('quantities said loosely', () => {
  it('reads "N more" and « N … de plus »', () => {
    expect(parts('Could we get three more sticks of 8GB?')).toMatchObject([
      { kind: 'ram', action: 'add', quantity: 3, size: '8GB' },
    ]);
    expect(parts('Please fit 4 more DIMMs.')).toMatchObject([{ kind: 'ram', action: 'add', quantity: 4 }]);
    expect(parts('Il nous faudrait trois disques de plus.')).toMatchObject([
      { kind: 'disk', action: 'add', quantity: 3 },
    ]);
    expect(parts('Add a couple more SSDs please.')).toMatchObject([{ kind: 'disk', quantity: 2 }]);
  });

  it('reads a total broken into modules, with "x", "×" and « Go »', () => {
    expect(parts('Merci de rajouter 128 Go de RAM (4 × 32 Go).')).toMatchObject([
      { kind: 'ram', action: 'add', quantity: 4, size: '32GB' },
    ]);
    expect(parts('We need 32GB (2x16GB) more memory.')).toMatchObject([
      { kind: 'ram', action: 'add', quantity: 2, size: '16GB' },
    ]);
    expect(parts('Please add 96GB of RAM as 3 x 32GB modules.')).toMatchObject([
      { kind: 'ram', action: 'add', quantity: 3, size: '32GB' },
    ]);
  });
});

describe('what the server has now', () => {
  it('is not a part to add', () => {
    expect(
      parts(
        'La RAM ne suffit plus (64 Go actuellement, la machine swappe). Merci d’ajouter 2 barrettes de 16 Go.',
      ),
    ).toEqual([
      {
        kind: 'ram',
        action: 'add',
        quantity: 2,
        size: '16GB',
        serials: [],
        slot: null,
        faulty: false,
        question: false,
      },
    ]);
    expect(parts('The server has 96GB at the moment.')).toEqual([]);
    expect(parts('Nous avons aujourd’hui 16 Go de RAM.')).toEqual([]);
    expect(parts('We have 32GB right now, please add more RAM.')).toMatchObject([
      { kind: 'ram', action: 'add', size: null },
    ]);
    expect(parts('The box currently has 32GB of RAM. Please upgrade it to 64GB.')).toMatchObject([
      { kind: 'ram', action: 'upgrade', size: '64GB' },
    ]);
  });
});

describe('software using memory or disk', () => {
  it('is no component', () => {
    expect(parts('Our Node service leaks memory and the server keeps swapping.')).toEqual([]);
    expect(parts('The PHP workers use more and more RAM every hour.')).toEqual([]);
    expect(parts('Memory consumption keeps increasing until the box freezes.')).toEqual([]);
    expect(parts('Le swap est plein et la base de données rame.')).toEqual([]);
    expect(parts('The nightly job failed because the disk is full.')).toEqual([]);
    expect(parts('La mémoire est saturée par MySQL.')).toEqual([]);
  });
  it('still reads a real request next to it', () => {
    expect(parts('The app eats all the memory, so please add 32GB of RAM.')).toMatchObject([
      { kind: 'ram', action: 'add', size: '32GB' },
    ]);
    expect(parts('Could you swap out the PSU tonight?')).toMatchObject([{ kind: 'psu', action: 'replace' }]);
  });
});

describe('a working part swapped for a better one', () => {
  it('is an upgrade, in French too', () => {
    expect(parts('Pourriez-vous remplacer la carte RAID par une meilleure ?')).toMatchObject([
      { kind: 'raid_controller', action: 'upgrade' },
    ]);
    expect(parts('Nous voudrions changer le contrôleur RAID pour un modèle avec cache flash.')).toMatchObject(
      [{ kind: 'raid_controller', action: 'upgrade' }],
    );
    expect(parts('Please change the RAID card, we want one with a battery-backed cache.')).toMatchObject([
      { kind: 'raid_controller', action: 'upgrade' },
    ]);
  });
  it('is a replacement when the part failed', () => {
    expect(parts('Le contrôleur RAID est en panne, remplacez-le par un modèle plus rapide.')).toMatchObject([
      { kind: 'raid_controller', action: 'replace', faulty: true },
    ]);
  });
});

describe('robustness', () => {
  it('never throws and its evidence points into the text', () => {
    const token = fc.constantFrom(
      'disk',
      'RAM',
      ' barrettes',
      'deux',
      'two',
      ' 2',
      'x',
      '32 Go',
      '2TB',
      'replace',
      'remplacer',
      'add',
      'failed',
      'HS',
      "don't",
      'ne',
      'pas',
      'bay 2',
      'DIMM A2',
      'S/N: ',
      'WD-123AB',
      ',',
      '.',
      '?',
      '\n',
      ' ',
      'and',
      'à chaud',
      'how much',
      'after the',
      'it',
      'é',
    );
    const text = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.array(token, { maxLength: 60 }).map((t) => t.join('')),
    );
    fc.assert(
      fc.property(text, (t) => {
        const found = read(t);
        const evidence = [
          ...found.components.flatMap((c) => [c.evidence, ...c.value.moreEvidence]),
          ...(found.hotSwap ? [found.hotSwap.evidence] : []),
        ];
        for (const e of evidence) expect(t.slice(e.start, e.end)).toBe(e.text);
        for (const c of found.components) {
          expect(
            c.value.quantity === null || (Number.isInteger(c.value.quantity) && c.value.quantity > 0),
          ).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
