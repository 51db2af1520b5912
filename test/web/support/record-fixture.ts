import type { ConversationRecord } from '../../../src/conversation/record.js';
import type { CommitInput, Store } from '../../../src/store/store.js';
import type { Evidence } from '../../../src/understand/evidence.js';
import { type MessageSpec, message, secret } from '../../store/contract/fixtures.js';

/** The evidence of `sentence` inside `text`, with its offsets, as the understanding stage stores it. */
export function evidenceIn(text: string, sentence: string): Evidence {
  const start = text.indexOf(sentence);
  if (start < 0) throw new Error(`"${sentence}" is not in the text`);
  return { text: sentence, start, end: start + sentence.length };
}

/** A fixture message whose decision also sets record fields (with their evidence), the line and the missing ids. */
export function messageWith(
  spec: MessageSpec & {
    receivedAt?: string;
    missing?: string[];
    reviewReasons?: string[];
    patch?: (record: ConversationRecord, messageId: string) => Partial<ConversationRecord>;
  },
): CommitInput {
  const input = message(spec);
  const messageId = input.key.messageId;
  return {
    ...input,
    receivedAt: spec.receivedAt ?? input.receivedAt,
    decide(id, stored) {
      const decided = input.decide(id, stored);
      if (!decided) return null;
      return {
        ...decided,
        record: { ...decided.record, ...spec.patch?.(decided.record, messageId) },
        missing: spec.missing ?? decided.missing,
        line: { id, reviewReasons: spec.reviewReasons ?? [] },
      };
    },
  };
}

export const SECRET_VALUE = 'Tr0ub4dor&3-<b>root</b>';
export const OTHER_SECRET = 'other-conversation-secret-9f2';

export const FIRST_TEXT =
  'Bonjour,\nMon serveur SRV-4242 ne répond plus depuis ce matin. Vous pouvez le redémarrer samedi entre 2h et 4h. Le mot de passe root est [[SECRET-1]].';
export const SECOND_TEXT = "Nous avons une sauvegarde complète d'hier soir. Merci.";
export const HOSTILE = {
  subject: '<script>alert(1)</script> disk "><img src=x onerror=alert(2)>',
  from: '"><img src=x onerror=alert(3)>@evil.example',
  server: 'javascript:alert(4)',
  text: 'Voir <a href="javascript:alert(5)">ici</a> <style>body{background:url(http://attacker.invalid/x)}</style> merci',
  reason: '<script>alert(6)</script>',
};

/**
 * Three conversations: INT-000001 (two messages, one reply sent in between, a secret, a power window and
 * evidence), INT-000002 (another secret), INT-000003 (hostile everywhere).
 */
export async function seedRecords(
  store: Store,
): Promise<{ firstMessageId: string; secondMessageId: string }> {
  const first = messageWith({
    subject: 'Serveur SRV-4242 bloqué',
    newText: FIRST_TEXT,
    status: 'needs_review',
    missing: ['backup', 'os_choice'],
    reviewReasons: ['contradiction:power'],
    secrets: [secret(SECRET_VALUE)],
    reply: true,
    patch: (r, messageId) => ({
      requestTypes: [{ value: 'intervention', messageId, evidence: [] }],
      serviceIds: [
        {
          value: 'SRV-4242',
          messageId,
          evidence: [evidenceIn(FIRST_TEXT, 'Mon serveur SRV-4242 ne répond plus depuis ce matin.')],
        },
      ],
      power: {
        value: {
          authorization: 'window',
          limited: true,
          windows: [{ start: '2026-03-07T01:00:00.000Z', end: '2026-03-07T03:00:00.000Z' }],
        },
        messageId,
        evidence: [evidenceIn(FIRST_TEXT, 'Vous pouvez le redémarrer samedi entre 2h et 4h.')],
      },
      customer: r.customer,
    }),
  });
  const firstResult = await store.commitMessage(first);
  // Our reply went out: its delivery state and the SMTP server's answer are part of the timeline.
  await store.claimReply(firstResult.replyId!);
  await store.settleReply(firstResult.replyId!, {
    status: 'sent',
    smtpResponse: '250 2.0.0 Ok: queued as 4F2A',
  });
  await store.commitMessage(messageWith({ subject: 'Autre', secrets: [secret(OTHER_SECRET)] }));
  const second = messageWith({
    subject: 'Re: Serveur SRV-4242 bloqué',
    inReplyTo: first.key.messageId,
    newText: SECOND_TEXT,
    // After our reply (created now): the timeline puts it last.
    receivedAt: new Date(Date.now() + 60_000).toISOString(),
    status: 'needs_review',
    missing: ['os_choice'],
    reviewReasons: ['contradiction:power'],
    patch: (_r, messageId) => ({
      backup: {
        value: 'confirmed',
        messageId,
        evidence: [evidenceIn(SECOND_TEXT, "Nous avons une sauvegarde complète d'hier soir.")],
      },
    }),
  });
  await store.commitMessage(second);
  await store.commitMessage(
    messageWith({
      subject: HOSTILE.subject,
      from: HOSTILE.from,
      serviceId: HOSTILE.server,
      newText: HOSTILE.text,
      status: 'needs_review',
      reviewReasons: [HOSTILE.reason],
      patch: (_r, messageId) => ({
        customer: { name: HOSTILE.subject, address: HOSTILE.from },
        hostnames: [
          {
            value: HOSTILE.server,
            messageId,
            evidence: [evidenceIn(HOSTILE.text, '<a href="javascript:alert(5)">ici</a>')],
          },
        ],
      }),
    }),
  );
  return { firstMessageId: first.key.messageId, secondMessageId: second.key.messageId };
}
