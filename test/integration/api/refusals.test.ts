import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Problem } from '../../../shared/api/responses.ts';
import { type LocalApi, startLocalApi } from '../../support/local-api.ts';

/**
 * Requests without a valid key are limited per source address before any key lookup, over real
 * HTTP: a client spraying made-up keys is answered 429 after a burst, while a valid key (cached
 * once used) keeps working from the same address.
 */

let api: LocalApi;
beforeAll(async () => {
  api = await startLocalApi({ functionSettings: { REFUSAL_BURST: 5, REFUSALS_PER_SOURCE_PER_SECOND: 0.01 } });
});
afterAll(() => api.stop());

describe('refused requests', () => {
  test('made-up keys from one address get 401s for a burst, then 429 problems; a known key still answers', async () => {
    expect((await api.call('/v1/connections')).status).toBe(200); // the real key, now cached
    const statuses: number[] = [];
    for (let index = 0; index < 12; index++) {
      statuses.push((await api.call('/v1/connections', { key: `ir_made_up_key_number_${index}` })).status);
    }
    expect(statuses).toEqual([...Array(5).fill(401), ...Array(7).fill(429)]);
    const throttled = await api.call('/v1/connections', { key: null });
    expect(throttled.status).toBe(429);
    expect(Problem.parse(await throttled.json()).type).toMatch(/throttled/);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await api.call('/v1/connections')).status).toBe(200);
  });
});
