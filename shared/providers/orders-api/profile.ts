import * as z from 'zod';
import type { ProviderProfile } from '../provider.ts';

/**
 * What the product knows of orders-api without calling it: its name, the shapes of its ids and the
 * options a connection to it may set. Every function that reads connections checks them with
 * this; the adapter spreads it into its own definition.
 */
export const ordersApiProfile = {
  id: 'orders-api',
  idPatterns: { invoice: /^\d{1,19}$/, order: /^\d{1,19}$/ },
  /** `format: "xml"` asks for the XML flavour of the bodies. */
  optionsSchema: z.object({ format: z.enum(['json', 'xml']).default('json') }),
} as const satisfies ProviderProfile;
