import { ConnectionConfigs } from '../connections/connection-config.ts';
import { EventRetentionDays, jsonVariable } from './environment.ts';
import { RelayEnvironment } from './relay-environment.ts';

/** The fan-out reads the event log (recover) and the connections an all-connections endpoint may recover. */
export const FanOutEnvironment = RelayEnvironment.extend({
  EVENT_RETENTION_DAYS: EventRetentionDays,
  CONNECTIONS: jsonVariable(ConnectionConfigs),
});
