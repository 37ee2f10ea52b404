import * as z from 'zod';
import type { ProviderProfile } from '../provider.ts';

/**
 * What the product knows of packcloud without calling it: its name, the shapes of its ids and the
 * options a connection to it may set. Every function that reads connections checks them with
 * this; the adapter spreads it into its own definition.
 */
export const packcloudProfile = {
  id: 'packcloud',
  idPatterns: { invoice: /^[A-Za-z0-9_-]{1,64}$/ },
  /** The organization whose invoices the connection reads. */
  optionsSchema: z.object({ organizationId: z.string().min(1).max(200) }),
} as const satisfies ProviderProfile;
