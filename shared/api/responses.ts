import * as z from 'zod';
import { InvoiceEvent } from '../events/invoice-event.ts';
import { Invoice } from '../invoice/invoice.ts';
import type { Problem as ProblemDocument } from '../problem.ts';
import { OPERATIONS } from '../providers/provider.ts';
import { LastRun } from '../snapshot/run-state.ts';
import { DeliveryAttempt } from '../webhooks/delivery-store.ts';
import { WebhookView } from '../webhooks/webhook.ts';

/**
 * What the HTTP API answers, as schemas: the reference's (functions/route-docs.ts) and the tests'.
 * The functions only ever produce these shapes (typed by them), never parse them, so no handler
 * builds these schemas at cold start.
 */

/** Where a stored invoice stands in the snapshot store. */
export const SnapshotInfo = z
  .object({
    version: z.number().int().describe('Increases with every change the store recorded'),
    changedAt: z.string().describe('When the stored state last changed (RFC 3339)'),
    observedAt: z
      .string()
      .describe('The latest moment the store knows the provider still said this (RFC 3339)'),
    gone: z.boolean().describe('The provider no longer lists it (its status is then VOID)'),
  })
  .meta({ id: 'SnapshotInfo' });
export type SnapshotInfo = z.infer<typeof SnapshotInfo>;

/** An invoice as an API answer: from the provider, or from the store (then with `snapshot`). */
export const InvoiceAnswer = Invoice.extend({
  snapshot: SnapshotInfo.optional().describe('Present when the answer came from the snapshot store'),
}).meta({ id: 'InvoiceAnswer' });
export type InvoiceAnswer = z.infer<typeof InvoiceAnswer>;

export const InvoicePage = z
  .object({
    invoices: z.array(InvoiceAnswer),
    next: z.string().nullable().describe('Cursor of the next page, or null on the last page'),
    skipped: z
      .number()
      .int()
      .describe(
        'Provider records of this page that could not be read and were left out (counted on the first slice of a provider page)',
      ),
  })
  .meta({ id: 'InvoicePage' });
export type InvoicePage = z.infer<typeof InvoicePage>;

export const ConnectionSummary = z
  .object({
    id: z.string(),
    provider: z.string(),
    operations: z.array(z.enum(OPERATIONS)).describe('What this connection can do'),
  })
  .meta({ id: 'Connection' });

export const ConnectionList = z
  .object({ connections: z.array(ConnectionSummary) })
  .meta({ id: 'ConnectionList' });

export const InvoiceList = z
  .object({
    invoices: z.array(InvoiceAnswer),
    skipped: z.number().int().describe('Provider records that could not be read and were left out'),
  })
  .meta({ id: 'InvoiceList' });

export const Health = z.object({ status: z.literal('ok'), version: z.string() }).meta({ id: 'Health' });

export const EventList = z
  .object({
    events: z.array(InvoiceEvent),
    next: z.string().describe('Pass as `after` to continue; keep it to catch up later'),
    caughtUp: z
      .boolean()
      .describe(
        'True when this call reached the end of the log; false when more events wait: call again with `next` at once',
      ),
  })
  .meta({ id: 'EventList' });

export const History = z.object({ events: z.array(InvoiceEvent) }).meta({ id: 'InvoiceHistory' });

/** How a connection's snapshots are doing: the console's connection health, and for operators. */
export const ConnectionSnapshotStatus = z
  .object({
    connection: z.string(),
    provider: z.string(),
    running: z.boolean().describe('A snapshot run holds the connection right now'),
    lastRun: LastRun.nullable().describe('How the last run ended, or null before the first one'),
    lastCompletedAt: z.string().nullable().describe('When the last complete walk ended'),
    lagSeconds: z
      .number()
      .int()
      .nullable()
      .describe('Seconds since the last complete walk ended; null before the first one'),
  })
  .meta({ id: 'ConnectionSnapshotStatus' });
export type ConnectionSnapshotStatus = z.infer<typeof ConnectionSnapshotStatus>;

/**
 * The OpenAPI document as far as clients rely on it; the rest of its fields pass through. Only
 * documents GET /openapi.json: the document is generated, never parsed.
 */
export const OpenApiDocument = z
  .looseObject({
    openapi: z.string().describe('The OpenAPI version, 3.1.0'),
    info: z.looseObject({ title: z.string(), version: z.string() }),
    paths: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'OpenApiDocument', description: 'An OpenAPI 3.1 document' });

/** The webhook API's answers besides the endpoint itself (WebhookView, webhook.ts). */
export const WebhookWithSecret = WebhookView.extend({
  secret: z.string().describe('whsec_…: shown once; verify signatures with it (Standard Webhooks)'),
}).meta({ id: 'WebhookWithSecret' });

export const WebhookList = z.object({ webhooks: z.array(WebhookView) }).meta({ id: 'WebhookList' });

export const RotatedSecret = z
  .object({
    secret: z.string(),
    previousSecretValidUntil: z
      .string()
      .describe('Until then every delivery is also signed with the secret this one replaces'),
  })
  .meta({ id: 'RotatedSecret' });

export const DeliveryList = z
  .object({ attempts: z.array(DeliveryAttempt), next: z.string().nullable() })
  .meta({ id: 'DeliveryAttemptList' });

export const Accepted = z
  .object({ deliveryId: z.string().optional(), queued: z.number().int().optional() })
  .meta({ id: 'Accepted' });

/**
 * RFC 9457 problem document: exactly what the functions write (shared/problem.ts). The check
 * below fails to compile when either gains a member the other lacks.
 */
const ProblemObject = z
  .object({
    type: z.string().describe('A tag URI naming the kind of problem'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().describe('What went wrong and what to do about it'),
    instance: z.string().optional(),
    parameter: z.string().optional().describe('The request parameter that was wrong'),
    supportedOperations: z.array(z.string()).optional(),
    retryAfterSeconds: z.number().optional(),
    allowedMethods: z.array(z.string()).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type SameShape<A, B> = Same<A, B> extends true ? Same<keyof A, keyof B> : false;
const problemMatchesItsType: SameShape<z.output<typeof ProblemObject>, ProblemDocument> = true;
void problemMatchesItsType;
export const Problem: z.ZodType<ProblemDocument> = ProblemObject;
