import { describe, expect, it } from 'vitest';
import { detectLanguage, languageProfiles, scoreLanguage } from '../../src/reader/detect-language.js';
import { shippedRules } from '../../src/rule-engine/load-rules.js';

const profiles = languageProfiles(shippedRules());
const detect = (...sources: string[]) => detectLanguage(sources, profiles, 'en');

describe('detectLanguage', () => {
  it('reads the language of the customer’s prose, not of the logs pasted under it', () => {
    const text = [
      'Bonjour,',
      'Le serveur plante depuis ce matin, voici les journaux :',
      '[ 8812.104233] EXT4-fs error (device sda1): ext4_lookup: deleted inode referenced',
      '[ 8812.104290] Buffer I/O error on device sda1, logical block 0 for the data',
      'Nov 26 03:12:01 web1 kernel: Out of memory: Killed process 4410 (java) and all of its children',
      'root@web1:~# systemctl status nginx --no-pager and then the process was not there',
      'total-vm:8123456kB, anon-rss:7340032kB',
      'Merci.',
    ].join('\n');
    expect(detect(text)).toBe('fr');
    expect(scoreLanguage(text, profiles).en).toBe(0);
  });

  it('goes by the majority when a message mixes both languages', () => {
    expect(detect('Hi, please reboot it tonight. Merci !')).toBe('en');
    expect(detect('Bonjour, vous pouvez redémarrer le serveur cette nuit. Thanks!')).toBe('fr');
  });

  it('falls back to the next source, then to the default, when a text has no marker word', () => {
    expect(detect('203.0.113.7', 'Serveur planté')).toBe('fr');
    expect(detect('SRV-10234', '')).toBe('en');
    expect(detectLanguage(['ok'], profiles, 'fr')).toBe('fr');
  });
});
