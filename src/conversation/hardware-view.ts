import type { Downtime, Window } from '../record/schema.js';
import type { ConversationRecord } from './record.js';

/**
 * Downtime and shutdown windows of a hardware request, as section 2 defines them: permission to shut the
 * server down at any time makes downtime acceptable, and a window in which it may be shut down is both a
 * power window and a downtime window; downtime accepted in so many words stands on its own.
 */
export function hardwareView(r: ConversationRecord): { downtime: Downtime; windows: Window[] } {
  const power = r.power.value;
  const windows = power.authorization === 'window' ? power.windows : [];
  if (r.downtime.value !== 'unspecified') return { downtime: r.downtime.value, windows };
  const downtime: Downtime =
    power.authorization === 'granted'
      ? 'acceptable'
      : power.authorization === 'window'
        ? 'window'
        : 'unspecified';
  return { downtime, windows };
}
