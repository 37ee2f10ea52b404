import * as z from 'zod';
import { SecretReference } from '../config/references.ts';
import { CurrencyCode, InvoiceStatus } from '../invoice/codes.ts';
import { isTimeZone } from '../invoice/time-zone.ts';
import { isProviderId, PROVIDER_IDS, PROVIDER_PROFILES } from '../providers/profiles.ts';
import { ConnectionId } from './connection-id.ts';

/**
 * One configured account at a provider. Comes from per-stage configuration (infra/) or, for the
 * local runtime, from the sandbox defaults or a connections file. Credentials are a reference,
 * never the secret itself.
 *
 * Providers are known here by their profiles (shared/providers/profiles.ts: ids, id patterns,
 * options), never by their adapters, so that every function that reads connections checks them
 * whole without carrying an adapter.
 */
export const ConnectionConfig = z
  .strictObject({
    id: ConnectionId,
    provider: z.string().refine(isProviderId, `must be one of ${PROVIDER_IDS.join(', ')}`),
    baseUrl: z.url({ protocol: /^https?$/ }),
    /** IANA zone for zone-less timestamps. @default the provider's */
    timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone').optional(),
    /** Currency for bodies that carry none. @default the provider's */
    currency: CurrencyCode.nullable().optional(),
    /** Overrides of the provider's status table, by the provider's own value. */
    statusMap: z.record(z.string(), InvoiceStatus).default({}),
    /** Provider-specific settings, checked against the provider profile's `optionsSchema` (shared/providers/profiles.ts). */
    options: z.record(z.string(), z.unknown()).default({}),
    credentials: SecretReference,
    /** Bounds that protect the product from a provider that misbehaves. */
    limits: z
      .strictObject({
        /**
         * Pages one snapshot walk may read; a provider whose list runs longer fails the walk
         * clearly instead of walking forever. @default 10000 (a million invoices at 100 a page)
         */
        maxPagesPerWalk: z.number().int().min(1).max(1_000_000).optional(),
        /**
         * Records one provider response may hold; more makes the whole response malformed (a 502),
         * counted before any record is read. @default 10,000, or 100,000 for providers that answer
         * their whole list at once (pretendentas)
         */
        maxRecordsPerResponse: z.number().int().min(1).max(1_000_000).optional(),
      })
      .optional(),
  })
  .superRefine((connection, context) => {
    if (!isProviderId(connection.provider)) return;
    const options = PROVIDER_PROFILES[connection.provider].optionsSchema.safeParse(connection.options);
    if (!options.success) {
      for (const issue of options.error.issues) {
        context.addIssue({ code: 'custom', path: ['options', ...issue.path], message: issue.message });
      }
    }
  });
export type ConnectionConfig = z.infer<typeof ConnectionConfig>;

export const ConnectionConfigs = z.array(ConnectionConfig).superRefine((connections, context) => {
  const seen = new Set<string>();
  connections.forEach((connection, index) => {
    if (seen.has(connection.id))
      context.addIssue({ code: 'custom', path: [index, 'id'], message: 'is not unique' });
    seen.add(connection.id);
  });
});
