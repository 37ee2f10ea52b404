/**
 * Canonical invoice ids: `inv_` + base64url("<namespace>:<remoteId>"), where the namespace is the
 * connection id (or the provider id outside a connection). Callers treat them as opaque; being
 * reversible lets the API accept either this id or the provider's own id in a path.
 */

const PREFIX = 'inv_';

export function invoiceId(namespace: string, remoteId: string): string {
  return PREFIX + Buffer.from(`${namespace}:${remoteId}`, 'utf8').toString('base64url');
}

/** The remote id behind a canonical id of this namespace, or null when it is not one. */
export function remoteIdFromInvoiceId(namespace: string, id: string): string | null {
  if (!id.startsWith(PREFIX)) return null;
  const encoded = id.slice(PREFIX.length);
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) return null;
  const decoded = Buffer.from(encoded, 'base64url').toString('utf8');
  // Only an exact round trip counts, so that near-miss strings are never taken for ids.
  if (Buffer.from(decoded, 'utf8').toString('base64url') !== encoded) return null;
  const prefix = `${namespace}:`;
  return decoded.startsWith(prefix) && decoded.length > prefix.length ? decoded.slice(prefix.length) : null;
}
