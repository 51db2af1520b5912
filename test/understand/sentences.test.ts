import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitSentences } from '../../src/understand/sentences.js';

describe('splitSentences', () => {
  it('keeps hard-wrapped sentences whole and splits at terminal punctuation', () => {
    const text =
      'Bonjour,\n\nLe serveur SRV-10234 (203.0.113.7) ne répond plus depuis cette nuit et nous ne pouvons\nplus nous connecter en SSH. Merci de le redémarrer.\nCordialement';
    expect(splitSentences(text).map((s) => s.text)).toEqual([
      'Bonjour,',
      'Le serveur SRV-10234 (203.0.113.7) ne répond plus depuis cette nuit et nous ne pouvons\nplus nous connecter en SSH.',
      'Merci de le redémarrer.',
      'Cordialement',
    ]);
  });

  it('ends a sentence at a short line, a list item or a "Label : value" line', () => {
    const text =
      'Serveur : SRV-1\nIP : 198.51.100.4\nOS souhaité : Debian 12\n- ajouter 32 Go\n- remplacer le disque';
    expect(splitSentences(text)).toHaveLength(5);
  });

  it('does not split on version numbers, addresses or abbreviations', () => {
    const text = 'Please install Ubuntu 22.04 on 203.0.113.7, e.g. with the default layout. Thanks.';
    expect(splitSentences(text).map((s) => s.text)).toEqual([
      'Please install Ubuntu 22.04 on 203.0.113.7, e.g. with the default layout.',
      'Thanks.',
    ]);
  });

  it('gives offsets that point back into the text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'B', ' ', '.', '!', '\n', ':', '-', 'é', '?', '2') }),
        (text) => {
          for (const s of splitSentences(text)) {
            expect(text.slice(s.start, s.end)).toBe(s.text);
            expect(s.text.trim()).toBe(s.text);
            expect(s.text.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
