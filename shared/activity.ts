import { channel } from 'node:diagnostics_channel';
import type { EventType } from './events/event-type.ts';
import type { InvoiceStatus } from './invoice/codes.ts';

/**
 * What the product did that a person watching it would care about: snapshot rounds, walk
 * progress, events published, records skipped, webhook attempts. Published on a Node diagnostics
 * channel, which costs one check when nobody listens (in Lambda nobody does: the structured logs
 * and metrics are the record there). The local runtime subscribes and prints each as one line
 * (infra/local/activity-view.ts).
 *
 * Like the logs, an activity names things by id and never carries invoice contents beyond the
 * status: a provider record may hold personal data.
 */

export type Activity =
  | {
      kind: 'round';
      connection: string;
      outcome: 'completed' | 'continue' | 'failed' | 'skipped';
      reason: string | null;
      invoices: number;
      changed: number;
      events: number;
      quarantined: number;
      gone: number;
      durationMs: number;
    }
  | { kind: 'progress'; connection: string; pages: number; invoices: number; changed: number }
  | {
      kind: 'event';
      connection: string;
      remoteId: string;
      type: EventType;
      status: InvoiceStatus;
      previousStatus: InvoiceStatus | null;
    }
  | { kind: 'quarantined'; connection: string; position: string; remoteId: string | null; reason: string }
  | {
      kind: 'delivery';
      endpointId: string;
      /** The endpoint's origin and path: never its query, which may hold a token. */
      target: string;
      eventType: string;
      attempt: number;
      outcome: string;
      statusCode: number | null;
      durationMs: number;
      retryInSeconds: number | null;
    };

const activities = channel('invoice-relay:activity');

/** Whether anyone listens: lets a caller skip building activities nobody will see. */
export function watchingActivity(): boolean {
  return activities.hasSubscribers;
}

export function reportActivity(activity: Activity): void {
  if (activities.hasSubscribers) activities.publish(activity);
}

/** Calls `listener` with every activity until the returned function is called. */
export function onActivity(listener: (activity: Activity) => void): () => void {
  const subscriber = (message: unknown) => listener(message as Activity);
  activities.subscribe(subscriber);
  return () => activities.unsubscribe(subscriber);
}
