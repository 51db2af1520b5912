import { describe, expect, it } from 'vitest';
import { emptyThreadIndex, linkConversation, remember } from '../../src/conversation/link.js';
import { mergeFacts } from '../../src/conversation/merge.js';
import { emptyRecord } from '../../src/conversation/record.js';
import { decide, missingItems as missingFor, policyTable } from '../../src/decide/decide.js';
import { shippedRules } from '../../src/rule-engine/load-rules.js';
import { facts, stated, x } from '../support/facts.js';

const ctx = { automatic: false, contradictions: [], senderProblems: [], unreadable: false };
const table = policyTable(shippedRules());
const missingItems = (r: Parameters<typeof missingFor>[0]) => missingFor(r, table);

describe('linkConversation', () => {
  it('links by ticket reference, then In-Reply-To, then References, else numbers a new one', () => {
    const index = emptyThreadIndex();
    const first = linkConversation(index, {
      messageId: '<a@x>',
      subject: 'Help',
      inReplyTo: null,
      references: [],
    });
    expect(first).toEqual({ id: 'INT-000001', isNew: true });
    remember(index, first.id, ['<a@x>', '<reply-1@intake.hosting.example>']);
    expect(
      linkConversation(index, {
        messageId: '<b@x>',
        subject: 'Re: Help',
        inReplyTo: '<reply-1@intake.hosting.example>',
        references: [],
      }).id,
    ).toBe('INT-000001');
    expect(
      linkConversation(index, {
        messageId: '<c@x>',
        subject: 'Other',
        inReplyTo: null,
        references: ['<z@x>', '<a@x>'],
      }).id,
    ).toBe('INT-000001');
    expect(
      linkConversation(index, {
        messageId: '<d@x>',
        subject: 'Re: [INT-000042] disk',
        inReplyTo: null,
        references: [],
      }),
    ).toEqual({ id: 'INT-000042', isNew: true });
    remember(index, 'INT-000042', ['<d@x>']);
    expect(
      linkConversation(index, { messageId: '<e@x>', subject: 'New', inReplyTo: null, references: [] }).id,
    ).toBe('INT-000043');
  });
});

describe('mergeFacts and decide', () => {
  it('lists what a reinstall still needs, in the policy order', () => {
    const r = mergeFacts(emptyRecord('INT-000001'), facts({ requestTypes: [x('os_reinstall')] }));
    expect(missingItems(r)).toEqual([
      'server_id',
      'power_authorization',
      'backup',
      'os_choice',
      'data_loss_ack',
    ]);
    expect(decide(r, table, ctx).status).toBe('awaiting_customer');
  });

  it('lets later statements override earlier ones field by field, and keeps what is not repeated', () => {
    let r = emptyRecord('INT-000001');
    r = mergeFacts(
      r,
      facts({
        messageId: '<1@x>',
        requestTypes: [x('intervention')],
        scenarios: [x('unresponsive')],
        server: { serviceIds: [x('SRV-1')], ips: [], hostnames: [] },
        power: stated({ authorization: 'granted', windows: [], limited: false }),
        backup: stated('confirmed'),
      }),
    );
    expect(decide(r, table, ctx)).toMatchObject({ status: 'ready', missing: [] });
    r = mergeFacts(
      r,
      facts({ messageId: '<2@x>', power: stated({ authorization: 'denied', windows: [], limited: false }) }),
    );
    expect(r.power.value.authorization).toBe('denied');
    expect(r.power.messageId).toBe('<2@x>');
    expect(r.serviceIds.map((s) => s.value)).toEqual(['SRV-1']);
    expect(r.history.map((h) => h.field)).toContain('power');
  });

  it('never lowers an acknowledgement because a later message does not repeat it', () => {
    let r = mergeFacts(
      emptyRecord('INT-000001'),
      facts({ acknowledgements: { dataLoss: stated('verbatim'), hardware: null } }),
    );
    r = mergeFacts(
      r,
      facts({ messageId: '<2@x>', acknowledgements: { dataLoss: stated('paraphrase'), hardware: null } }),
    );
    expect(r.dataLossAck.value).toBe('verbatim');
  });

  it('reads a verbatim hardware acknowledgement as a backup unless the customer said there is none', () => {
    const hw = { acknowledgements: { dataLoss: null, hardware: stated('verbatim' as const) } };
    expect(mergeFacts(emptyRecord('I'), facts(hw)).backup.value).toBe('confirmed');
    expect(mergeFacts(emptyRecord('I'), facts({ ...hw, noBackupStated: true })).backup.value).toBe(
      'unspecified',
    );
  });

  it('asks for access only for the scenarios that need a login, and for a maintenance window for RAM', () => {
    const r = mergeFacts(
      emptyRecord('I'),
      facts({
        requestTypes: [x('intervention'), x('hardware')],
        scenarios: [x('diagnostics')],
        components: [x({ kind: 'ram', action: 'add', quantity: 2, size: '32GB', serials: [], slot: null })],
      }),
    );
    expect(missingItems(r)).toEqual([
      'server_id',
      'access',
      'power_authorization',
      'backup',
      'downtime',
      'maintenance_window',
      'hardware_ack',
    ]);
  });

  it('needs a person for contradictions, non-requests and sender problems; ignores automatic messages', () => {
    const r = mergeFacts(emptyRecord('I'), facts({ requestTypes: [x('intervention')] }));
    expect(decide(r, table, { ...ctx, contradictions: ['power'] }).status).toBe('needs_review');
    expect(decide(mergeFacts(emptyRecord('I'), facts()), table, ctx)).toMatchObject({
      status: 'needs_review',
      reviewReasons: ['not_a_request'],
    });
    expect(decide(r, table, { ...ctx, senderProblems: ['sender_not_authorized'] }).status).toBe(
      'needs_review',
    );
    expect(decide(r, table, { ...ctx, automatic: true })).toEqual({
      missing: [],
      recommended: [],
      status: 'ignored',
      reviewReasons: [],
    });
  });
});

describe('policy table', () => {
  it('is data in rules/policy, in the order of section 3, and every id has a predicate', () => {
    expect(table.items.map((i) => i.id)).toEqual([
      'server_id',
      'access',
      'power_authorization',
      'power_window',
      'backup',
      'os_choice',
      'data_loss_ack',
      'component',
      'downtime',
      'maintenance_window',
      'hardware_ack',
    ]);
    expect([...(table.items.find((i) => i.id === 'access')?.scenarios ?? [])]).toEqual([
      'network_firewall',
      'post_update',
      'diagnostics',
    ]);
  });
});
