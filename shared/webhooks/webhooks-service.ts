import { randomBytes } from 'node:crypto';
import { mayUseConnection, type Principal } from '../auth/principal.ts';
import type { ConnectionRegistry } from '../connections/connection-registry.ts';
import { InvalidInput, NotFound } from '../errors.ts';
import { type FanOut, testEvent } from './fan-out.ts';
import type { RelayQueue } from './relay-queue.ts';
import { newSecret } from './signing.ts';
import { checkTarget, type Resolver, systemResolver, type TargetPolicy } from './ssrf.ts';
import {
  type DeliveryAttempt,
  type EndpointRecord,
  viewOf,
  type WebhookFilter,
  type WebhookView,
} from './webhook.ts';
import type { WebhookStore } from './webhook-store.ts';

/**
 * The webhook endpoints API: endpoints belong to the key's tenant; a key sees, changes and deletes
 * only its tenant's endpoints, and an endpoint only receives events of connections the registering
 * key could use. Targets are checked against the SSRF policy when registered and when changed.
 */

const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

export class WebhooksService {
  readonly #store: WebhookStore;
  readonly #connections: ConnectionRegistry;
  readonly #fanOut: FanOut;
  readonly #queue: RelayQueue;
  readonly #policy: TargetPolicy;
  readonly #resolver: Resolver;

  constructor(dependencies: {
    store: WebhookStore;
    connections: ConnectionRegistry;
    fanOut: FanOut;
    queue: RelayQueue;
    policy: TargetPolicy;
    resolver?: Resolver;
  }) {
    this.#store = dependencies.store;
    this.#connections = dependencies.connections;
    this.#fanOut = dependencies.fanOut;
    this.#queue = dependencies.queue;
    this.#policy = dependencies.policy;
    this.#resolver = dependencies.resolver ?? systemResolver;
  }

  async create(
    principal: Principal,
    body: { url: string; filter: WebhookFilter; description?: string | undefined },
  ): Promise<WebhookView & { secret: string }> {
    const url = await checkTarget(body.url, this.#policy, this.#resolver);
    this.#checkFilter(principal, body.filter);
    const now = new Date().toISOString();
    const secret = newSecret();
    const record: EndpointRecord = {
      id: `wh_${randomBytes(8).toString('hex')}`,
      tenant: principal.tenant,
      url: url.href,
      filter: body.filter,
      description: body.description ?? null,
      enabled: true,
      disabledReason: null,
      createdAt: now,
      updatedAt: now,
      allowedConnections: principal.connections === '*' ? '*' : [...principal.connections],
      secrets: { current: secret, previous: null, previousUntil: null },
      failingSince: null,
    };
    await this.#store.saveEndpoint(record, 'create');
    return { ...viewOf(record), secret };
  }

  async list(principal: Principal): Promise<WebhookView[]> {
    return (await this.#store.endpoints(principal.tenant)).map(viewOf);
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
    const updated: EndpointRecord = { ...endpoint, updatedAt: new Date().toISOString() };
    if (changes.url !== undefined)
      updated.url = (await checkTarget(changes.url, this.#policy, this.#resolver)).href;
    if (changes.filter !== undefined) {
      this.#checkFilter(principal, changes.filter);
      updated.filter = changes.filter;
    }
    if (changes.description !== undefined) updated.description = changes.description;
    if (changes.enabled !== undefined) {
      updated.enabled = changes.enabled;
      // Enabling again is a fresh start: the reason and the failure streak are forgotten.
      updated.disabledReason = changes.enabled ? null : 'disabled through the API';
      updated.failingSince = null;
    }
    if (!(await this.#store.saveEndpoint(updated, 'replace'))) throw new NotFound('webhook', id);
    return viewOf(updated);
  }

  async delete(principal: Principal, id: string): Promise<void> {
    if (!(await this.#store.deleteEndpoint(principal.tenant, id))) throw new NotFound('webhook', id);
  }

  /** A new secret; for a day both sign every delivery, so receivers can switch without a gap. */
  async rotateSecret(
    principal: Principal,
    id: string,
  ): Promise<{ secret: string; previousSecretValidUntil: string }> {
    const endpoint = await this.#endpoint(principal, id);
    const secret = newSecret();
    const previousUntil = new Date(Date.now() + ROTATION_OVERLAP_MS).toISOString();
    await this.#store.saveEndpoint(
      {
        ...endpoint,
        secrets: { current: secret, previous: endpoint.secrets.current, previousUntil },
        updatedAt: new Date().toISOString(),
      },
      'replace',
    );
    return { secret, previousSecretValidUntil: previousUntil };
  }

  async sendTest(principal: Principal, id: string): Promise<{ deliveryId: string }> {
    const endpoint = await this.#endpoint(principal, id);
    return { deliveryId: await this.#fanOut.send(endpoint, testEvent(endpoint, Date.now()), 'again') };
  }

  async attempts(
    principal: Principal,
    id: string,
    limit: number,
    cursor: string | null,
  ): Promise<{ attempts: DeliveryAttempt[]; next: string | null }> {
    await this.#endpoint(principal, id);
    return this.#store.attempts(id, limit, cursor);
  }

  async retry(principal: Principal, id: string, deliveryId: string): Promise<{ deliveryId: string }> {
    const endpoint = await this.#endpoint(principal, id);
    const delivery = await this.#store.delivery(id, deliveryId);
    if (delivery === null) throw new NotFound('delivery', deliveryId);
    const event = {
      id: delivery.eventId,
      type: delivery.eventType,
      connection: null,
      status: null,
      body: delivery.body,
    };
    return { deliveryId: await this.#fanOut.send(endpoint, event, 'again') };
  }

  async recover(principal: Principal, id: string, since: string): Promise<void> {
    await this.#endpoint(principal, id);
    await this.#queue.recover({ kind: 'recover', tenant: principal.tenant, endpointId: id, since });
  }

  async #endpoint(principal: Principal, id: string): Promise<EndpointRecord> {
    const endpoint = await this.#store.endpoint(principal.tenant, id);
    if (endpoint === null) throw new NotFound('webhook', id);
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
