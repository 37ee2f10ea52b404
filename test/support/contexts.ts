import type { NormalizationContext } from '../../shared/providers/provider.ts';
import { PROVIDERS, type ProviderId } from '../../shared/providers/registry.ts';

/** The normalization context the CLI would use for a provider, with overrides. */
export function contextFor(
  provider: ProviderId,
  overrides: Partial<NormalizationContext> = {},
): NormalizationContext {
  const adapter = PROVIDERS[provider];
  return {
    provider,
    connection: null,
    timeZone: adapter.defaults.timeZone,
    currency: adapter.defaults.currency,
    statusMap: {},
    includeRaw: false,
    ...overrides,
  };
}
