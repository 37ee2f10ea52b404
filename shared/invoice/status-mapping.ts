import type { InvoiceStatus } from './invoice.ts';

/** A provider's status vocabulary mapped onto canonical payment states. */
export type StatusTable = Readonly<Record<string, InvoiceStatus>>;

const compiled = new WeakMap<StatusTable, ReadonlyMap<string, InvoiceStatus>>();

/** Keys folded once per table object, so that a lookup per invoice is a single Map access. */
function folded(table: StatusTable): ReadonlyMap<string, InvoiceStatus> {
  let map = compiled.get(table);
  if (map === undefined) {
    map = new Map(Object.entries(table).map(([key, status]) => [fold(key), status]));
    compiled.set(table, map);
  }
  return map;
}

function fold(value: string): string {
  return value.trim().toUpperCase();
}

/**
 * Maps a provider status through the connection's overrides, then the provider's table.
 * Lookups ignore case and surrounding blanks (packcloud documents mixed case; being lenient
 * everywhere costs nothing). Anything unmapped is UNKNOWN: never an exception, never dropped.
 */
export function mapStatus(
  providerStatus: string | null,
  table: StatusTable,
  overrides: StatusTable = {},
): InvoiceStatus {
  if (providerStatus === null) return 'UNKNOWN';
  const key = fold(providerStatus);
  return folded(overrides).get(key) ?? folded(table).get(key) ?? 'UNKNOWN';
}
