import * as z from 'zod';
import { ConnectionConfigs } from '../connections/connection-config.ts';
import { jsonVariable } from './environment.ts';

/** The snapshot dispatcher only lists the connections and queues one run for each. */
export const DispatcherEnvironment = z.object({
  CONNECTIONS: jsonVariable(ConnectionConfigs),
  SNAPSHOT_QUEUE_URL: z.string().min(1),
});
