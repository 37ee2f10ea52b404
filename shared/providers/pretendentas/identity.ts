import type { ProviderIdentity } from '../provider.ts';

/**
 * pretendentas's name and the shapes of its ids: all that a function which never calls pretendentas needs to
 * know of it (the adapter spreads it into its own definition).
 */
export const pretendentasIdentity = {
  id: 'pretendentas',
  idPatterns: { invoice: /^[A-Za-z0-9_-]{1,64}$/, order: /^[A-Za-z0-9_-]{1,64}$/ },
} as const satisfies ProviderIdentity;
