import { describe, expect, test } from 'vitest';
import { ConnectionConfig } from '../../../shared/connections/connection-config.ts';
import { ConfiguredConnections } from '../../../shared/connections/connection-registry.ts';

/** `limits.maxRecordsPerResponse` of a connection reaches its adapters through the context. */

const config = (provider: string, extra: Record<string, unknown> = {}) => ({
  id: `c-${provider}`,
  provider,
  baseUrl: 'https://provider.example',
  credentials: { environment: 'TOKEN' },
  options: provider === 'packcloud' ? { organizationId: 'org' } : {},
  ...extra,
});

const secrets = { get: async () => 'token' };

describe('a connection limits the records of one response', () => {
  test('without a limit: 10,000 for paged providers, 100,000 for a provider answering its whole list', async () => {
    const registry = new ConfiguredConnections(
      [ConnectionConfig.parse(config('carbonext')), ConnectionConfig.parse(config('pretendentas'))],
      secrets,
    );
    expect((await registry.open('c-carbonext')).context.maxRecords).toBe(10_000);
    expect((await registry.open('c-pretendentas')).context.maxRecords).toBe(100_000);
  });

  test('its own limit wins', async () => {
    const limited = ConnectionConfig.parse(config('packcloud', { limits: { maxRecordsPerResponse: 500 } }));
    const registry = new ConfiguredConnections([limited], secrets);
    expect((await registry.open('c-packcloud')).context.maxRecords).toBe(500);
  });

  test.each([0, 1.5, -1, 2_000_000, '100'])(
    'a limit of %j is refused when the connection is read',
    (limit) => {
      const parsed = ConnectionConfig.safeParse(
        config('carbonext', { limits: { maxRecordsPerResponse: limit } }),
      );
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]?.path).toEqual(['limits', 'maxRecordsPerResponse']);
    },
  );

  test('an unknown limit is refused rather than ignored', () => {
    const parsed = ConnectionConfig.safeParse(config('carbonext', { limits: { maxPages: 5 } }));
    expect(parsed.success).toBe(false);
  });
});
