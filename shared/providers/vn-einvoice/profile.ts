import * as z from 'zod';
import type { ProviderProfile } from '../provider.ts';

/**
 * What the product knows of vn-einvoice without calling it: its name, the shapes of its ids and the
 * options a connection to it may set. Every function that reads connections checks them with
 * this; the adapter spreads it into its own definition.
 */
export const vnEinvoiceProfile = {
  id: 'vn-einvoice',
  idPatterns: { invoice: /^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$/ },
  optionsSchema: z.object({}),
} as const satisfies ProviderProfile;
