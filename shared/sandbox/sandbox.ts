import type { StatusTable } from '../invoice/status-mapping.ts';
import type { BodyOperation } from '../providers/provider.ts';
import type { BodyFormat } from '../wire/decode.ts';
import type { SandboxApp } from './sandbox-app.ts';

/**
 * What a provider's folder exports about its sandbox (`shared/providers/<id>/sandbox.ts`), beside
 * its adapter and wire formats. Only the sandbox registry imports it, never the adapter registry,
 * so that Lambda bundles carry no sandbox and no fake-data generator.
 */

/** Options every sandbox takes; a provider's factory may take more of its own. */
export interface SandboxOptions {
  /** Invoices in the sandbox. @default 300 */
  size?: number;
  /** Seed of the generated data. @default 1 */
  seed?: number;
  /**
   * A JSON file holding the sandbox's changes (status changes, deletions, fault settings): loaded
   * when the sandbox is created, written again (atomically) on every change. A file written for
   * another size, seed or provider is replaced by a fresh state. @default in memory only
   */
  stateFile?: string;
}

/** Credentials and settings a connection needs to talk to a sandbox with its defaults. */
export interface SandboxConnection {
  token: string;
  options: Record<string, unknown>;
  /** A status map the provider's own table lacks (orders-api documents no meanings). */
  statusMap?: StatusTable;
}

export interface Sandbox {
  readonly provider: string;
  create(options?: SandboxOptions): SandboxApp;
  readonly connection: SandboxConnection;
  /**
   * A response body of `operation` holding one of the sandbox's records with the provider's status
   * set to `status` (any text, not only the sandbox's own vocabulary): what the status-table test
   * normalizes for every row of every table.
   */
  statusExample(status: string): { operation: BodyOperation; body: string };
  /**
   * `count` invoices as the provider would answer them in `format`, in as few bodies as it can
   * (one large page; many single-invoice bodies for a provider without a list), or null when the
   * provider does not speak `format`: what bench/normalize measures.
   */
  largeResponse(count: number, format: BodyFormat): { operation: BodyOperation; bodies: string[] } | null;
}
