import * as z from 'zod';
import { InvoiceEvent } from '../events/invoice-event.ts';
import { RecoverJob } from './relay-messages.ts';

/**
 * What the fan-out queue carries: invoice events from the topic (raw delivery: the envelope
 * itself, whose `type` says what it is, so it needs no tag of its own) and recover jobs.
 */
export const FanOutMessage = z.union([RecoverJob, InvoiceEvent]);
export type FanOutMessage = z.infer<typeof FanOutMessage>;
