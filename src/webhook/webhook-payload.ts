import type { StatusEvent } from '../store/status-events.js';

export const STATUS_CHANGED = 'conversation.status_changed';

/** The JSON a receiver gets: what changed and the conversation as it was then; never a secret. */
export interface StatusChangedPayload {
  id: string;
  type: typeof STATUS_CHANGED;
  occurredAt: string;
  conversation: {
    id: string;
    from: string | null;
    to: string;
    subject: string;
    requestTypes: string[];
    server: string | null;
    missing: string[];
  };
}

/** The event id as receivers see it (the `Intake-Event-Id` header too): stable across retries. */
export const webhookEventId = (event: Pick<StatusEvent, 'id'>) => `status-${event.id}`;

export function statusChangedPayload(event: StatusEvent): StatusChangedPayload {
  return {
    id: webhookEventId(event),
    type: STATUS_CHANGED,
    occurredAt: event.at,
    conversation: {
      id: event.conversationId,
      from: event.from,
      to: event.to,
      subject: event.subject,
      requestTypes: event.requestTypes,
      server: event.server,
      missing: event.missing,
    },
  };
}
