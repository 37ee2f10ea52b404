import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { InvalidInput } from '../errors.ts';

/**
 * Where webhooks may go. A target must be a public unicast address: loopback, private, carrier-grade
 * NAT, link-local (cloud metadata lives at 169.254.169.254), unique-local, unspecified, multicast,
 * broadcast, reserved and documentation ranges are refused, and so is any IPv6 form that embeds
 * one of them (IPv4-mapped, NAT64, 6to4, Teredo); the deprecated IPv4-compatible range `::/96`
 * and the local-use NAT64 prefix `64:ff9b:1::/48` (RFC 8215, translated by a network's own
 * gateway, so it can reach anything behind it) are refused whatever they embed. Only port 443 and
 * the unprivileged ports 1024–65535 are dialled. The check runs when an endpoint is registered and
 * again on every connection, on the address actually dialled, so DNS rebinding gains nothing.
 *
 * With `allowPrivate` (the local runtime, ALLOW_PRIVATE_WEBHOOK_TARGETS=true) loopback and private
 * ranges and plain http are accepted too; link-local and metadata addresses never are.
 */

export interface TargetPolicy {
  allowPrivate: boolean;
}

export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

const PRIVATE_RANGES = new Set(['loopback', 'private', 'uniqueLocal']);

/** IPv6 ranges refused whatever address they carry. */
const REFUSED_IPV6 = [
  { cidr: ipaddr.parseCIDR('::/96'), reason: 'is an IPv4-compatible IPv6 address (::/96)' },
  { cidr: ipaddr.parseCIDR('64:ff9b:1::/48'), reason: 'is in the local-use NAT64 prefix 64:ff9b:1::/48' },
] as const;

/** Deployed stages never allow private targets; on a laptop the local runtime can. */
const LOCAL_HINT =
  ' (to deliver to a receiver on this machine, start the local runtime with ALLOW_PRIVATE_WEBHOOK_TARGETS=true npm start)';

/** Ports a webhook may go to: https's own, and the unprivileged ones. */
export function refusedPort(url: URL): string | null {
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  return port === 443 || (port >= 1024 && port <= 65_535)
    ? null
    : `port ${port} is not allowed (443 or 1024-65535)`;
}

/** The IPv4 address an IPv6 address embeds (mapped, NAT64 or 6to4), if it embeds one. */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 | null {
  const range = address.range();
  if (range === 'ipv4Mapped') return address.toIPv4Address();
  const parts = address.toByteArray();
  if (range === 'rfc6052') return new ipaddr.IPv4(parts.slice(12, 16));
  if (range === '6to4') return new ipaddr.IPv4(parts.slice(2, 6));
  return null;
}

/** Why an address may not be dialled, or null when it may. */
export function refusal(address: string, policy: TargetPolicy): string | null {
  if (!ipaddr.isValid(address)) return 'is not an IP address';
  let parsed: ipaddr.IPv4 | ipaddr.IPv6 = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    const isLoopbackOrUnspecified = v6.range() === 'loopback' || v6.range() === 'unspecified';
    for (const { cidr, reason } of REFUSED_IPV6) {
      if (!isLoopbackOrUnspecified && v6.match(cidr as [ipaddr.IPv6, number])) return reason;
    }
    const embedded = embeddedIPv4(v6);
    if (embedded !== null) parsed = embedded;
  }
  const range = parsed.range();
  if (range === 'unicast') return null;
  if (policy.allowPrivate && PRIVATE_RANGES.has(range)) return null;
  return `resolves to a ${range} address`;
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** Checks a target URL at registration; throws a 400 naming `url` and the reason. */
export async function checkTarget(
  target: string,
  policy: TargetPolicy,
  resolve: Resolver = systemResolver,
): Promise<URL> {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new InvalidInput('url', 'is not an absolute URL');
  }
  if (url.protocol !== 'https:' && !(policy.allowPrivate && url.protocol === 'http:')) {
    throw new InvalidInput(
      'url',
      policy.allowPrivate ? 'must be http or https' : `must be https${LOCAL_HINT}`,
    );
  }
  if (url.username !== '' || url.password !== '') throw new InvalidInput('url', 'must not carry credentials');
  const port = refusedPort(url);
  if (port !== null) throw new InvalidInput('url', port);
  const host = hostOf(url);
  const addresses =
    isIP(host) !== 0 ? [{ address: host, family: isIP(host) }] : await resolveOrRefuse(host, resolve);
  for (const { address } of addresses) {
    const reason = refusal(address, policy);
    if (reason !== null)
      throw new InvalidInput(
        'url',
        `${reason}; webhooks go to public addresses only${policy.allowPrivate ? '' : LOCAL_HINT}`,
      );
  }
  return url;
}

async function resolveOrRefuse(host: string, resolve: Resolver) {
  try {
    const addresses = await resolve(host);
    if (addresses.length === 0) throw new Error('no address');
    return addresses;
  } catch {
    throw new InvalidInput('url', 'has a host name that does not resolve');
  }
}

export class TargetRefused extends Error {}

/**
 * A `lookup` for http(s).request that dials only permitted addresses: the connection goes to an
 * address that was just checked, whatever the name resolves to by then.
 */
export function guardedLookup(policy: TargetPolicy, resolve: Resolver = systemResolver) {
  return (
    hostname: string,
    options: { all?: boolean },
    callback: (
      error: Error | null,
      address: string | Array<{ address: string; family: number }>,
      family?: number,
    ) => void,
  ) => {
    resolve(hostname).then(
      (addresses) => {
        const refused = addresses
          .map((entry) => refusal(entry.address, policy))
          .find((reason) => reason !== null);
        const first = addresses[0];
        if (refused !== undefined || first === undefined) {
          callback(new TargetRefused(refused ?? 'resolves to nothing'), '', 0);
        } else if (options.all) {
          callback(null, addresses);
        } else {
          callback(null, first.address, first.family);
        }
      },
      (error: Error) => callback(error, '', 0),
    );
  };
}

/**
 * An IP-literal target skips name resolution entirely, so it is checked here before dialling;
 * so is the port (a stored endpoint may predate the port rule).
 */
export function refuseLiteral(url: URL, policy: TargetPolicy): void {
  const port = refusedPort(url);
  if (port !== null) throw new TargetRefused(port);
  const host = hostOf(url);
  if (isIP(host) !== 0) {
    const reason = refusal(host, policy);
    if (reason !== null) throw new TargetRefused(reason);
  }
}
