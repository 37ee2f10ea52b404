import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Connection } from './api/types.ts';

/** The connections the signed-in key may use, as GET /v1/connections said at sign-in. */
export const ConnectionsContext = createContext<readonly Connection[]>([]);

export function useConnections(): readonly Connection[] {
  return useContext(ConnectionsContext);
}
