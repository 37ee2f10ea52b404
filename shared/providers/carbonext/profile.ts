import * as z from 'zod';
import type { ProviderProfile } from '../provider.ts';

/**
 * What the product knows of carbonext without calling it: its name, the shapes of its ids and the
 * options a connection to it may set. Every function that reads connections checks them with
 * this; the adapter spreads it into its own definition.
 */
export const carbonextProfile = {
  id: 'carbonext',
  idPatterns: { invoice: /^[A-Za-z0-9-]{1,64}$/ },
  optionsSchema: z.object({}),
} as const satisfies ProviderProfile;
