import { PROVIDERS, type ProviderId } from '../providers/registry.ts';
import { ConnectionConfig, connectionList } from './connection-config.ts';

/**
 * A connection's provider-specific `options`, checked against its adapter's own schema. Kept apart
 * from connection-config.ts because it needs every adapter: the stage files (infra/), the local
 * connections file and the functions that call providers (ConfiguredConnections) check options;
 * the functions that only name connections never carry an adapter for it.
 */

/** What is wrong with the connection's options, by path under `options`; empty when nothing is. */
export function optionIssues(config: ConnectionConfig): Array<{ path: PropertyKey[]; message: string }> {
  const adapter = PROVIDERS[config.provider as ProviderId];
  if (adapter === undefined) return [];
  const options = adapter.optionsSchema.safeParse(config.options);
  if (options.success) return [];
  return options.error.issues.map((issue) => ({ path: ['options', ...issue.path], message: issue.message }));
}

/** A connection with its options checked too. */
export const CheckedConnectionConfig = ConnectionConfig.superRefine((config, context) => {
  for (const issue of optionIssues(config)) context.addIssue({ code: 'custom', ...issue });
});

export const CheckedConnectionConfigs = connectionList(CheckedConnectionConfig);
