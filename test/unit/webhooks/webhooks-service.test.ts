import { describe, expect, test } from 'vitest';
import type { Principal } from '../../../shared/auth/principal.ts';
import { Conflict, InvalidInput, NotFound, Throttled } from '../../../shared/errors.ts';
import { endpointContext } from '../../../shared/webhooks/secret-sealing.ts';
import { signingSecrets } from '../../../shared/webhooks/signing.ts';
import { MAX_PREVIOUS_SECRETS } from '../../../shared/webhooks/webhook.ts';
import { WebhooksService } from '../../../shared/webhooks/webhooks-service.ts';
import { FakeConnections } from '../../support/fakes/fake-connections.ts';
import { FakeProvider } from '../../support/fakes/fake-provider.ts';
import { DAY_MS, type RelayWorld, relayWorld } from '../../support/fakes/relay-world.ts';
import { staticResolver } from '../../support/fakes/static-resolver.ts';

/** The webhook endpoints API: who reaches an endpoint, who owns it, rotations and recovers. */

const COOLDOWN_MS = 10 * 60_000;

function serviceWorld() {
  const world = relayWorld();
  const provider = new FakeProvider();
  const service = new WebhooksService({
    endpoints: world.endpoints,
    deliveries: world.deliveries,
    connections: new FakeConnections([
      { id: 'books', adapter: provider },
      { id: 'ledger', adapter: provider },
    ]),
    fanOut: world.fanOut(),
    queue: world.queue,
    sealer: world.sealer,
    options: { policy: { allowPrivate: false }, recoverCooldownMs: COOLDOWN_MS },
    clock: world.clock,
    resolver: staticResolver({ 'hooks.example': ['93.184.216.34'], 'intranet.example': ['10.0.0.8'] }),
  });
  return { ...world, service };
}

const create = (world: ReturnType<typeof serviceWorld>, principal: Principal, filter = {}) =>
  world.service.create(principal, { url: 'https://hooks.example/in', filter });

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error: unknown) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('registering an endpoint', () => {
  test('shows the secret once, stores it sealed, and makes the registering key its owner', async () => {
    const world = serviceWorld();
    const key = await world.key('acme', ['books', 'ledger']);

    const created = await create(world, key);

    expect(created).toMatchObject({
      url: 'https://hooks.example/in',
      ownerKeyId: key.keyId,
      connections: ['books', 'ledger'],
      enabled: true,
    });
    expect(created.secret).toMatch(/^whsec_/);
    const stored = await world.endpoints.get('acme', created.id);
    expect(JSON.stringify(stored)).not.toContain(created.secret);
    expect(
      await world.sealer.open(
        stored?.secrets.current ?? '',
        endpointContext('acme', created.id),
        world.clock(),
      ),
    ).toBe(created.secret);
    expect(await world.service.get(key, created.id)).not.toHaveProperty('secret');
  });

  test('a filter of connections bounds what it receives; connections the key may not use are refused', async () => {
    const world = serviceWorld();
    const key = await world.key('acme', ['books']);

    const narrowed = await create(world, key, { connections: ['books'] });
    const foreign = await rejection(create(world, key, { connections: ['ledger'] }));
    const unknown = await rejection(
      create(world, await world.key('acme', '*'), { connections: ['nowhere'] }),
    );

    expect(narrowed.connections).toEqual(['books']);
    expect(foreign).toBeInstanceOf(InvalidInput);
    expect(foreign).toMatchObject({ parameter: 'filter.connections' });
    expect(unknown).toBeInstanceOf(InvalidInput);
  });

  test('a target that resolves to a private address is refused before anything is stored', async () => {
    const world = serviceWorld();
    const key = await world.key('acme', '*');

    const refused = await rejection(
      world.service.create(key, { url: 'https://intranet.example/hook', filter: {} }),
    );

    expect(refused).toBeInstanceOf(InvalidInput);
    expect(refused).toMatchObject({ parameter: 'url', reason: expect.stringContaining('private') });
    expect(await world.endpoints.list('acme')).toEqual([]);
  });
});

describe('who reaches an endpoint', () => {
  async function endpointOfBoth(world: RelayWorld & { service: WebhooksService }) {
    const both = await world.key('acme', ['books', 'ledger']);
    return { both, endpoint: await create(world, both) };
  }

  test.each([
    ['a key of another tenant', (world: RelayWorld) => world.key('globex', '*')],
    ['a key granted only part of what it receives', (world: RelayWorld) => world.key('acme', ['books'])],
  ])('%s gets 404 for every operation, as if it did not exist', async (_case, makeKey) => {
    const world = serviceWorld();
    const { endpoint } = await endpointOfBoth(world);
    const outsider = await makeKey(world);

    const operations = [
      world.service.get(outsider, endpoint.id),
      world.service.update(outsider, endpoint.id, { description: 'mine now' }),
      world.service.delete(outsider, endpoint.id),
      world.service.rotateSecret(outsider, endpoint.id),
      world.service.sendTest(outsider, endpoint.id),
      world.service.attempts(outsider, endpoint.id, 10, null),
      world.service.retry(outsider, endpoint.id, 'dlv_x'),
      world.service.recover(outsider, endpoint.id, '2026-01-01T00:00:00Z'),
    ];

    for (const operation of operations) expect(await rejection(operation)).toBeInstanceOf(NotFound);
    expect(await world.service.list(outsider)).toEqual([]);
    expect(await world.endpoints.get('acme', endpoint.id)).toMatchObject({ description: null });
  });

  test('a key whose grant covers the endpoint sees and lists it', async () => {
    const world = serviceWorld();
    const { endpoint } = await endpointOfBoth(world);
    const everything = await world.key('acme', '*');

    expect((await world.service.get(everything, endpoint.id)).id).toBe(endpoint.id);
    expect((await world.service.list(everything)).map((view) => view.id)).toEqual([endpoint.id]);
  });
});

describe('changing an endpoint', () => {
  test('changing its URL or its filter makes the changing key its owner, bounded by that key’s grant', async () => {
    const world = serviceWorld();
    const first = await world.key('acme', '*');
    const second = await world.key('acme', '*');
    const narrow = await world.key('acme', ['books']);
    const endpoint = await create(world, first, { connections: ['books'] });

    const described = await world.service.update(second, endpoint.id, { description: 'billing hook' });
    world.clock.advance(1000);
    const moved = await world.service.update(second, endpoint.id, { url: 'https://hooks.example/new' });
    world.clock.advance(1000);
    const refiltered = await world.service.update(narrow, endpoint.id, { filter: {} });

    expect(described.ownerKeyId).toBe(first.keyId);
    expect(moved).toMatchObject({ ownerKeyId: second.keyId, url: 'https://hooks.example/new' });
    expect(refiltered).toMatchObject({ ownerKeyId: narrow.keyId, connections: ['books'] });
  });

  test('enabling it again forgets why it was disabled and its failing streak', async () => {
    const world = serviceWorld();
    const key = await world.key('acme', '*');
    const endpoint = await create(world, key);
    await world.endpoints.setHealth('acme', endpoint.id, { failingSince: '2026-01-01T00:00:00.000Z' });
    await world.endpoints.setHealth('acme', endpoint.id, {
      enabled: false,
      disabledReason: 'the endpoint answered 410 Gone',
    });
    world.clock.advance(1000);

    const enabled = await world.service.update(key, endpoint.id, { enabled: true });

    expect(enabled).toMatchObject({ enabled: true, disabledReason: null });
    expect((await world.endpoints.get('acme', endpoint.id))?.failingSince).toBeNull();
  });

  test('a change computed from a record someone else changed meanwhile is a conflict', async () => {
    const world = serviceWorld();
    const key = await world.key('acme', '*');
    const endpoint = await create(world, key);
    const read = world.endpoints.get.bind(world.endpoints);
    world.endpoints.get = async (tenant, id) => {
      const seen = await read(tenant, id);
      if (seen !== null)
        await world.endpoints.replace(
          { ...seen, description: 'theirs', updatedAt: '2026-02-01T00:00:00.000Z' },
          seen,
        );
      return seen;
    };
    world.clock.advance(1000);

    const error = await rejection(world.service.update(key, endpoint.id, { description: 'mine' }));

    expect(error).toBeInstanceOf(Conflict);
    expect(error).toMatchObject({ kind: 'changed-meanwhile' });
    expect((await read('acme', endpoint.id))?.description).toBe('theirs');
  });

  test('a deleted endpoint is gone for every later call', async () => {
    const world = serviceWorld();
    const key = await world.key('acme', ['books']);
    const endpoint = await create(world, key);

    await world.service.delete(key, endpoint.id);

    expect(await rejection(world.service.get(key, endpoint.id))).toBeInstanceOf(NotFound);
    expect(await rejection(world.service.delete(key, endpoint.id))).toBeInstanceOf(NotFound);
    expect(world.endpoints.routesOf(endpoint.id)).toEqual([]);
  });
});

describe('rotating the secret', () => {
  test('the replaced secret keeps signing for a day beside the new one', async () => {
    const world = serviceWorld();
    const key = await world.key('acme', '*');
    const endpoint = await create(world, key);

    const rotated = await world.service.rotateSecret(key, endpoint.id);

    expect(rotated.previousSecretValidUntil).toBe(new Date(world.clock() + DAY_MS).toISOString());
    const stored = await world.endpoints.get('acme', endpoint.id);
    const context = endpointContext('acme', endpoint.id);
    const opened = async (at: number) =>
      Promise.all(
        signingSecrets(stored as NonNullable<typeof stored>, at).map((secret) =>
          world.sealer.open(secret, context, at),
        ),
      );
    expect(await opened(world.clock())).toEqual([rotated.secret, endpoint.secret]);
    expect(await opened(world.clock() + DAY_MS)).toEqual([rotated.secret]);
  });

  test(`rotations within a day keep every replaced secret, and past ${MAX_PREVIOUS_SECRETS} are refused until one expires`, async () => {
    const world = serviceWorld();
    const key = await world.key('acme', '*');
    const endpoint = await create(world, key);
    for (let rotation = 0; rotation < MAX_PREVIOUS_SECRETS; rotation++) {
      await world.service.rotateSecret(key, endpoint.id);
      world.clock.advance(60_000);
    }

    const refused = await rejection(world.service.rotateSecret(key, endpoint.id));
    world.clock.advance(DAY_MS - 4 * 60_000 + 1); // the first replaced secret stops signing
    const allowed = await world.service.rotateSecret(key, endpoint.id);

    expect(refused).toBeInstanceOf(Conflict);
    expect(refused).toMatchObject({ kind: 'too-many-rotations' });
    expect(allowed.secret).toMatch(/^whsec_/);
    expect((await world.endpoints.get('acme', endpoint.id))?.secrets.previous).toHaveLength(
      MAX_PREVIOUS_SECRETS,
    );
  });
});

describe('deliveries through the API', () => {
  test('a test event is queued to the one endpoint, whatever its filter', async () => {
    const world = serviceWorld();
    const key = await world.key('acme', '*');
    const endpoint = await create(world, key, { eventTypes: ['invoice.paid'] });

    const { deliveryId } = await world.service.sendTest(key, endpoint.id);

    const delivery = await world.deliveries.get(endpoint.id, deliveryId);
    expect(delivery).toMatchObject({ eventType: 'webhook.test', connection: null, status: 'pending' });
    expect(world.queue.sent.map((entry) => entry.message.deliveryId)).toEqual([deliveryId]);
  });

  test('a retry starts a delivery over as a new generation; an unknown delivery is 404', async () => {
    const world = serviceWorld();
    const key = await world.key('acme', '*');
    const endpoint = await create(world, key);
    const { deliveryId } = await world.service.sendTest(key, endpoint.id);

    await world.service.retry(key, endpoint.id, deliveryId);

    expect(await world.deliveries.get(endpoint.id, deliveryId)).toMatchObject({ generation: 2, attempts: 0 });
    expect(await rejection(world.service.retry(key, endpoint.id, 'dlv_unknown'))).toBeInstanceOf(NotFound);
  });

  test('a recover is queued at most once per cooldown; a second one is told how long to wait', async () => {
    const world = serviceWorld();
    const key = await world.key('acme', '*');
    const endpoint = await create(world, key);
    const since = '2026-01-01T00:00:00Z';

    await world.service.recover(key, endpoint.id, since);
    world.clock.advance(60_000);
    const throttled = await rejection(world.service.recover(key, endpoint.id, since));
    world.clock.advance(COOLDOWN_MS - 60_000);
    await world.service.recover(key, endpoint.id, since);

    expect(throttled).toBeInstanceOf(Throttled);
    expect(throttled).toMatchObject({ retryAfterSeconds: 540 });
    expect(world.queue.recovers).toEqual([
      { kind: 'recover', tenant: 'acme', endpointId: endpoint.id, since },
      { kind: 'recover', tenant: 'acme', endpointId: endpoint.id, since },
    ]);
  });
});
