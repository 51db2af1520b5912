import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../../src/webhook/webhook-signature.js';
import { customerMail } from '../support/customer-mail.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { eventually, type Harness, startHarness } from '../support/worker-harness.js';

const SECRET = 'whsec-worker-0123456789abcdef0123456789';

/** `intake worker` with INTAKE_WEBHOOK_URL set: a message read from the mailbox ends as a signed POST. */
describe('the worker posts status changes to the webhook', () => {
  let h: Harness;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    h = await startHarness({ env: { INTAKE_WEBHOOK_URL: receiver.url, INTAKE_WEBHOOK_SECRET: SECRET } });
    await h.startWorker();
  });
  afterAll(async () => {
    await h?.stop();
    await receiver?.close();
  });

  it('delivers the new conversation’s status once, signed, with no secret in it', async () => {
    const password = 'Hunter2-webhook-secret-value';
    const request = customerMail({
      subject: 'Server down',
      body: `Hello,\n\nOur server 203.0.113.20 does not answer. The root password is ${password}\n\nAlice`,
    });
    await h.dovecot.append('INBOX', request.raw);
    await eventually(async () => (receiver.received.length > 0 ? true : undefined), 10_000, 'a webhook');
    const [hook] = receiver.received;
    const signature = hook!.headers['intake-signature'] as string;
    expect(verifyWebhookSignature(SECRET, signature, hook!.body, 300)).toBe(true);
    const body = JSON.parse(hook!.body.toString('utf8'));
    expect(body).toMatchObject({
      type: 'conversation.status_changed',
      conversation: { id: expect.stringMatching(/^INT-\d+$/), from: null, subject: 'Server down' },
    });
    expect(hook!.body.toString('utf8')).not.toContain(password);
    const store = await h.openStore();
    try {
      await eventually(
        async () =>
          (await store.listStatusEvents({ limit: 10 })).every((e) => e.delivery === 'delivered') || undefined,
        5_000,
        'the event settled',
      );
    } finally {
      await store.close();
    }
    expect(receiver.received).toHaveLength(1);
  });
});
