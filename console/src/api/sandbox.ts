import type { FaultSettings } from '../../../shared/sandbox/faults.ts';
import { API_ROOT, ApiError } from './client.ts';
import type { Problem } from './types.ts';

/**
 * The sandbox providers' control routes, which only the local runtime (`npm start`) mounts under
 * `/sandbox/<provider>`; they take no key, so none is sent. Nothing here is in the OpenAPI
 * document: the fault settings' type comes from the sandbox's own schema (a type-only import: no
 * server code in the build). A deployed stage answers 404 and the console shows no controls.
 */

/** An entry of `GET /sandbox/<provider>/invoices` (shared/sandbox/sandbox-app.ts, `summary`). */
export interface SandboxInvoice {
  remoteId: string;
  orderId: string | null;
  status: string;
}
export type { FaultSettings };

const base = (provider: string) => `${API_ROOT}/sandbox/${encodeURIComponent(provider)}`;

async function send(url: string, init: RequestInit = {}): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, credentials: 'omit', cache: 'no-store' });
  } catch {
    throw new ApiError(0, null, 'The sandbox could not be reached.');
  }
  if (response.ok) return response;
  const problem = (await response.json().catch(() => null)) as Problem | null;
  throw new ApiError(
    response.status,
    problem,
    problem?.detail ?? `${response.status} ${response.statusText}`,
  );
}

const json = (value: unknown): RequestInit => ({
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(value),
});

/** Whether this provider has a sandbox here: its fault settings answer as JSON. */
export async function hasSandbox(provider: string, signal?: AbortSignal): Promise<boolean> {
  try {
    const response = await fetch(`${base(provider)}/faults`, {
      credentials: 'omit',
      cache: 'no-store',
      signal: signal ?? null,
    });
    return response.ok && (response.headers.get('content-type') ?? '').startsWith('application/json');
  } catch {
    return false;
  }
}

/** The provider's own status values its sandbox's invoices hold (the sandbox lists at most 1,000 a page). */
export async function sandboxStatuses(provider: string, signal?: AbortSignal): Promise<string[]> {
  const statuses = new Set<string>();
  let offset = 0;
  for (let page = 0; page < 10; page++) {
    const response = await send(`${base(provider)}/invoices?offset=${offset}&limit=1000`, {
      signal: signal ?? null,
    });
    const listed = (await response.json()) as { total: number; invoices: SandboxInvoice[] };
    for (const invoice of listed.invoices) statuses.add(invoice.status);
    offset += listed.invoices.length;
    if (listed.invoices.length === 0 || offset >= listed.total) break;
  }
  return [...statuses].sort();
}

export async function setSandboxStatus(provider: string, remoteId: string, status: string): Promise<void> {
  await send(`${base(provider)}/invoices/${encodeURIComponent(remoteId)}/status`, {
    method: 'POST',
    ...json({ status }),
  });
}

export async function deleteSandboxInvoice(provider: string, remoteId: string): Promise<void> {
  await send(`${base(provider)}/invoices/${encodeURIComponent(remoteId)}`, { method: 'DELETE' });
}

export async function sandboxFaults(provider: string, signal?: AbortSignal): Promise<FaultSettings> {
  return (await (await send(`${base(provider)}/faults`, { signal: signal ?? null })).json()) as FaultSettings;
}

export async function setSandboxFaults(
  provider: string,
  settings: Partial<FaultSettings>,
): Promise<FaultSettings> {
  return (await (
    await send(`${base(provider)}/faults`, { method: 'PUT', ...json(settings) })
  ).json()) as FaultSettings;
}
