import type { Resolver } from '../../../shared/webhooks/ssrf.ts';

/** DNS in memory: each host name resolves to the addresses given (unknown names fail like ENOTFOUND). */
export function staticResolver(hosts: Record<string, string[]>): Resolver {
  return async (hostname) => {
    const addresses = hosts[hostname];
    if (addresses === undefined)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}
