import * as z from 'zod';

/** What an API key may do. */
export const Scope = z.enum(['invoices:read', 'events:read', 'watches:write', 'webhooks:write']);
export type Scope = z.infer<typeof Scope>;
export const ALL_SCOPES = Scope.options;

/** The caller behind a request, as its API key describes it. */
export interface Principal {
  keyId: string;
  tenant: string;
  /** Connection ids the key may use, or '*' for all. */
  connections: readonly string[] | '*';
  scopes: readonly Scope[];
}

export function mayUseConnection(principal: Principal, connection: string): boolean {
  return principal.connections === '*' || principal.connections.includes(connection);
}
