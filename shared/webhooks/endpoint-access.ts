import type { ApiKeyReader, ApiKeyRecord } from '../auth/api-keys.ts';
import { LruCache } from '../auth/lru-cache.ts';
import type { Principal } from '../auth/principal.ts';
import type { Clock } from '../clock.ts';
import type { EndpointConnections, EndpointRecord } from './webhook.ts';

/**
 * Who may touch an endpoint, and what it may receive.
 *
 * - A key may see and change an endpoint of its tenant only when its grant covers every
 *   connection the endpoint receives (`covers`); any other endpoint is answered 404, as if it did
 *   not exist. So a key granted one connection cannot take over an endpoint of another.
 * - Changing an endpoint's URL or filter makes the changing key its owner, and what it receives
 *   can never be set beyond the changing key's grant.
 * - What an endpoint receives is decided at every delivery from its owner key's *current* grant:
 *   revoking the owner stops its deliveries, narrowing the owner narrows the endpoint. Another
 *   key of the tenant whose grant covers it can adopt it by changing its URL or filter. Endpoints
 *   stored before owners existed have none and receive nothing until adopted.
 */

function grantCovers(grant: readonly string[] | '*', connections: EndpointConnections): boolean {
  if (grant === '*') return true;
  return connections !== '*' && connections.every((connection) => grant.includes(connection));
}

/** Whether `principal` may see and change `endpoint`. */
export function covers(principal: Principal, endpoint: EndpointRecord): boolean {
  return endpoint.tenant === principal.tenant && grantCovers(principal.connections, endpoint.connections);
}

/** The connections an endpoint registered by `principal` with `filterConnections` receives. */
export function connectionsFor(
  principal: Principal,
  filterConnections: readonly string[] | undefined,
): EndpointConnections {
  if (filterConnections !== undefined) return [...filterConnections];
  return principal.connections === '*' ? '*' : [...principal.connections];
}

/** Decides, from the owner keys' current grants, whether an endpoint may receive a connection's events. */
export class EndpointEligibility {
  readonly #keys: ApiKeyReader;
  readonly #clock: Clock;
  readonly #owners = new LruCache<string, ApiKeyRecord | null>(10_000);
  readonly #cacheMs: number;

  /** `cacheSeconds`: how long an owner's grant is trusted (as long as the API trusts a key). */
  constructor(keys: ApiKeyReader, clock: Clock, cacheSeconds = 30) {
    this.#keys = keys;
    this.#clock = clock;
    this.#cacheMs = cacheSeconds * 1000;
  }

  async #owner(keyId: string): Promise<ApiKeyRecord | null> {
    const now = this.#clock();
    const cached = this.#owners.get(keyId, now);
    if (cached !== undefined) return cached;
    const record = await this.#keys.findById(keyId);
    this.#owners.set(keyId, record, now + this.#cacheMs);
    return record;
  }

  /** Why the endpoint receives nothing of `connection`, or null when it may. */
  async refusal(endpoint: EndpointRecord, connection: string): Promise<string | null> {
    if (!endpoint.enabled) return 'the endpoint is disabled';
    if (endpoint.connections !== '*' && !endpoint.connections.includes(connection))
      return 'the endpoint does not receive this connection';
    if (endpoint.ownerKeyId === null)
      return 'the endpoint has no owner key; change it with a key to adopt it';
    const owner = await this.#owner(endpoint.ownerKeyId);
    if (owner === null || owner.revokedAt !== null) return 'the endpoint’s owner key was revoked';
    if (owner.tenant !== endpoint.tenant) return 'the owner key belongs to another tenant';
    if (owner.connections !== '*' && !owner.connections.includes(connection))
      return 'the owner key is no longer granted this connection';
    return null;
  }
}
