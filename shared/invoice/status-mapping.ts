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

const NO_OVERRIDES: StatusTable = {};

/** Answers by the provider's value as sent, per table and overrides: a page repeats a few values. */
const answers = new WeakMap<StatusTable, WeakMap<StatusTable, Map<string, InvoiceStatus>>>();
const ANSWERS_PER_TABLE = 1000;

let last: { table: StatusTable; overrides: StatusTable; map: Map<string, InvoiceStatus> } | null = null;

function answersFor(table: StatusTable, overrides: StatusTable): Map<string, InvoiceStatus> {
  // A page maps every status through the same table and overrides.
  if (last !== null && last.table === table && last.overrides === overrides) return last.map;
  let byOverrides = answers.get(table);
  if (byOverrides === undefined) {
    byOverrides = new WeakMap();
    answers.set(table, byOverrides);
  }
  let map = byOverrides.get(overrides);
  if (map === undefined) {
    map = new Map();
    byOverrides.set(overrides, map);
  }
  last = { table, overrides, map };
  return map;
}

/**
 * Maps a provider status through the connection's overrides, then the provider's table.
 * Lookups ignore case and surrounding blanks (packcloud documents mixed case; being lenient
 * everywhere costs nothing). Anything unmapped is UNKNOWN: never an exception, never dropped.
 */
export function mapStatus(
  providerStatus: string | null,
  table: StatusTable,
  overrides: StatusTable = NO_OVERRIDES,
): InvoiceStatus {
  if (providerStatus === null) return 'UNKNOWN';
  const known = answersFor(table, overrides);
  let status = known.get(providerStatus);
  if (status === undefined) {
    const key = fold(providerStatus);
    status = folded(overrides).get(key) ?? folded(table).get(key) ?? 'UNKNOWN';
    // Bounded: a provider sending endless distinct values must not grow memory with them.
    if (known.size < ANSWERS_PER_TABLE) known.set(providerStatus, status);
  }
  return status;
}
