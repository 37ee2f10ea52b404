import { randomBytes } from 'node:crypto';
import { mayUseConnection, type Principal } from '../auth/principal.ts';
import type { Clock } from '../clock.ts';
import type { ConnectionDirectory } from '../connections/connection-directory.ts';
import { Conflict, InvalidInput, NotFound, Throttled } from '../errors.ts';
import type { DeliveryAttempt, DeliveryStore } from './delivery-store.ts';
import { connectionsFor, covers } from './endpoint-access.ts';
import type { EndpointStore } from './endpoint-store.ts';
import { type FanOut, testEvent } from './fan-out.ts';
import type { RelayQueue } from './relay-queue.ts';
import { endpointContext, type SecretSealer } from './secret-sealing.ts';
import { checkTarget, type Resolver, systemResolver, type TargetPolicy } from './ssrf.ts';
import {
  type EndpointRecord,
  MAX_PREVIOUS_SECRETS,
  newSecret,
  viewOf,
  type WebhookFilter,
  type WebhookView,
} from './webhook.ts';

/**
 * The webhook endpoints API. Endpoints belong to the key's tenant, and a key reaches only those
 * its grant covers (endpoint-access.ts): every other endpoint is a 404, whatever the operation.
 * What an endpoint receives is never set beyond the grant of the key that sets it, and that key
 * becomes its owner. Targets are checked against the SSRF policy when registered and changed;
 * secrets are sealed before they are stored and shown only once.
 */

const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

export interface WebhooksServiceOptions {
  policy: TargetPolicy;
  /** Time between two recovers of one endpoint. @default 10 minutes */
  recoverCooldownMs: number;
}

export class WebhooksService {
  readonly #endpoints: EndpointStore;
  readonly #deliveries: DeliveryStore;
  readonly #connections: ConnectionDirectory;
  readonly #fanOut: FanOut;
  readonly #queue: RelayQueue;
  readonly #sealer: SecretSealer;
  readonly #options: WebhooksServiceOptions;
  readonly #resolver: Resolver;
  readonly #clock: Clock;

  constructor(dependencies: {
    endpoints: EndpointStore;
    deliveries: DeliveryStore;
    connections: ConnectionDirectory;
    fanOut: FanOut;
    queue: RelayQueue;
    sealer: SecretSealer;
    options: WebhooksServiceOptions;
    clock: Clock;
    resolver?: Resolver;
  }) {
    this.#endpoints = dependencies.endpoints;
    this.#deliveries = dependencies.deliveries;
    this.#connections = dependencies.connections;
    this.#fanOut = dependencies.fanOut;
    this.#queue = dependencies.queue;
    this.#sealer = dependencies.sealer;
    this.#options = dependencies.options;
    this.#clock = dependencies.clock;
    this.#resolver = dependencies.resolver ?? systemResolver;
  }

  async create(
    principal: Principal,
    body: { url: string; filter: WebhookFilter; description?: string | undefined },
  ): Promise<WebhookView & { secret: string }> {
    const url = await checkTarget(body.url, this.#options.policy, this.#resolver);
    this.#checkFilter(principal, body.filter);
    const now = new Date(this.#clock()).toISOString();
    const id = `wh_${randomBytes(8).toString('hex')}`;
    const secret = newSecret();
    const record: EndpointRecord = {
      id,
      tenant: principal.tenant,
      url: url.href,
      filter: body.filter,
      connections: connectionsFor(principal, body.filter.connections),
      ownerKeyId: principal.keyId,
      description: body.description ?? null,
      enabled: true,
      disabledReason: null,
      createdAt: now,
      updatedAt: now,
      secrets: {
        current: await this.#sealer.seal(secret, endpointContext(principal.tenant, id)),
        previous: [],
      },
      failingSince: null,
    };
    if (!(await this.#endpoints.create(record))) throw new Conflict('changed-meanwhile', 'try again');
    return { ...viewOf(record), secret };
  }

  async list(principal: Principal): Promise<WebhookView[]> {
    return (await this.#endpoints.list(principal.tenant))
      .filter((endpoint) => covers(principal, endpoint))
      .map(viewOf);
  }

  async get(principal: Principal, id: string): Promise<WebhookView> {
    return viewOf(await this.#endpoint(principal, id));
  }

  async update(
    principal: Principal,
    id: string,
    changes: {
      url?: string | undefined;
      filter?: WebhookFilter | undefined;
      enabled?: boolean | undefined;
      description?: string | undefined;
    },
  ): Promise<WebhookView> {
    const endpoint = await this.#endpoint(principal, id);
    const updated: EndpointRecord = { ...endpoint, updatedAt: new Date(this.#clock()).toISOString() };
    if (changes.url !== undefined) {
      updated.url = (await checkTarget(changes.url, this.#options.policy, this.#resolver)).href;
      // Where events go changes hands: the changing key's grant bounds it from now on.
      updated.ownerKeyId = principal.keyId;
    }
    if (changes.filter !== undefined) {
      this.#checkFilter(principal, changes.filter);
      updated.filter = changes.filter;
      updated.connections = connectionsFor(principal, changes.filter.connections);
      updated.ownerKeyId = principal.keyId;
    }
    if (changes.description !== undefined) updated.description = changes.description;
    if (changes.enabled !== undefined) {
      updated.enabled = changes.enabled;
      // Enabling again is a fresh start: the reason and the failure streak are forgotten.
      updated.disabledReason = changes.enabled ? null : 'disabled through the API';
      updated.failingSince = null;
    }
    if (!(await this.#endpoints.replace(updated, endpoint))) {
      throw new Conflict(
        'changed-meanwhile',
        'the endpoint changed while this request ran; read it and try again',
      );
    }
    return viewOf(updated);
  }

  async delete(principal: Principal, id: string): Promise<void> {
    await this.#endpoint(principal, id);
    if ((await this.#endpoints.delete(principal.tenant, id)) === null) throw new NotFound('webhook', id);
  }

  /**
   * A new secret. Every secret it replaces keeps signing for a day after its replacement, so a
   * receiver can switch without a gap, even across several rotations in one day.
   */
  async rotateSecret(
    principal: Principal,
    id: string,
  ): Promise<{ secret: string; previousSecretValidUntil: string }> {
    const endpoint = await this.#endpoint(principal, id);
    const now = this.#clock();
    const stillSigning = endpoint.secrets.previous.filter((entry) => Date.parse(entry.until) > now);
    if (stillSigning.length >= MAX_PREVIOUS_SECRETS) {
      throw new Conflict(
        'too-many-rotations',
        `${MAX_PREVIOUS_SECRETS} replaced secrets still sign deliveries; rotate again after ${stillSigning[0]?.until}`,
      );
    }
    const secret = newSecret();
    const until = new Date(now + ROTATION_OVERLAP_MS).toISOString();
    const rotated: EndpointRecord = {
      ...endpoint,
      secrets: {
        current: await this.#sealer.seal(secret, endpointContext(endpoint.tenant, endpoint.id)),
        previous: [...stillSigning, { secret: endpoint.secrets.current, until }],
      },
      updatedAt: new Date(now).toISOString(),
    };
    if (!(await this.#endpoints.replace(rotated, endpoint))) {
      throw new Conflict('changed-meanwhile', 'the endpoint changed while this request ran; try again');
    }
    return { secret, previousSecretValidUntil: until };
  }

  async sendTest(principal: Principal, id: string): Promise<{ deliveryId: string }> {
    const endpoint = await this.#endpoint(principal, id);
    return { deliveryId: await this.#fanOut.send(endpoint, testEvent(endpoint, this.#clock()), 'again') };
  }

  async attempts(
    principal: Principal,
    id: string,
    limit: number,
    cursor: string | null,
  ): Promise<{ attempts: DeliveryAttempt[]; next: string | null }> {
    await this.#endpoint(principal, id);
    return this.#deliveries.attempts(id, limit, cursor);
  }

  async retry(principal: Principal, id: string, deliveryId: string): Promise<{ deliveryId: string }> {
    const endpoint = await this.#endpoint(principal, id);
    const delivery = await this.#deliveries.get(id, deliveryId);
    if (delivery === null) throw new NotFound('delivery', deliveryId);
    const event = {
      id: delivery.eventId,
      type: delivery.eventType,
      connection: delivery.connection,
      status: null,
      body: delivery.body,
    };
    return { deliveryId: await this.#fanOut.send(endpoint, event, 'again') };
  }

  /** Queues a re-send since `since`, at most once per endpoint per cooldown. */
  async recover(principal: Principal, id: string, since: string): Promise<void> {
    await this.#endpoint(principal, id);
    const wait = await this.#deliveries.takeRecoverSlot(id, this.#options.recoverCooldownMs, this.#clock());
    if (wait !== null) throw new Throttled(wait);
    await this.#queue.recover({ kind: 'recover', tenant: principal.tenant, endpointId: id, since });
  }

  /** The endpoint, when this key may reach it; otherwise it does not exist for this key. */
  async #endpoint(principal: Principal, id: string): Promise<EndpointRecord> {
    const endpoint = await this.#endpoints.get(principal.tenant, id);
    if (endpoint === null || !covers(principal, endpoint)) throw new NotFound('webhook', id);
    return endpoint;
  }

  #checkFilter(principal: Principal, filter: WebhookFilter): void {
    for (const connection of filter.connections ?? []) {
      const known = this.#connections.all().some((config) => config.id === connection);
      if (!known || !mayUseConnection(principal, connection)) {
        throw new InvalidInput('filter.connections', `'${connection}' is not a connection this key may use`);
      }
    }
  }
}
