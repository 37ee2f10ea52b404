import * as z from 'zod';
import type { ProviderProfile } from '../provider.ts';

/**
 * What the product knows of pretendentas without calling it: its name, the shapes of its ids and the
 * options a connection to it may set. Every function that reads connections checks them with
 * this; the adapter spreads it into its own definition.
 */
export const pretendentasProfile = {
  id: 'pretendentas',
  idPatterns: { invoice: /^[A-Za-z0-9_-]{1,64}$/, order: /^[A-Za-z0-9_-]{1,64}$/ },
  /** `format: "xml"` asks for the XML flavour of the bodies. */
  optionsSchema: z.object({ format: z.enum(['json', 'xml']).default('json') }),
} as const satisfies ProviderProfile;
