import * as z from 'zod';
import { PROBLEM_CONTENT_TYPE, problemType } from '../problem.ts';
import { FaultInjector } from './faults.ts';
import type { InvoiceBook } from './invoice-book.ts';
import { loadSandboxState, type SandboxChanges, saveSandboxState } from './sandbox-state.ts';

/**
 * The frame every sandbox provider shares: routing, the provider's auth check, fault injection
 * and the control routes. A provider's sandbox states only its routes, its data and its error
 * bodies. Transport-free (request in, response out), so it can be served on its own port or
 * mounted under a prefix of the local runtime.
 *
 * Control routes (local only, no auth, no faults):
 * - `GET  /invoices?offset=&limit=`          ids, order ids and statuses, to find something to look up
 * - `POST /invoices/{remoteId}/status`       `{"status": "<the provider's own value>"}` → 204
 * - `DELETE /invoices/{remoteId}`            the provider deletes the invoice → 204
 * - `GET  /faults`, `PUT /faults`            the fault knobs (see `FaultSettings`)
 *
 * With `persistence`, status changes, deletions and fault settings survive a restart (see
 * sandbox-state.ts); without it they live as long as the app.
 */

export interface SandboxRequest {
  /** Public base URL of this sandbox (`http://127.0.0.1:3000/sandbox/pretendentas`), for links. */
  baseUrl: string;
  method: string;
  /** Path below the sandbox's base, starting with `/`. */
  path: string;
  query: URLSearchParams;
  headers: Readonly<Record<string, string | undefined>>;
  body: string;
}

export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface SandboxRoute {
  method: 'GET' | 'POST';
  /** `/v1/invoices/:id`: `:name` matches one path segment. */
  path: string;
  handle(request: SandboxRequest, params: Readonly<Record<string, string>>): SandboxResponse;
}

export interface SandboxDefinition<R> {
  provider: string;
  book: InvoiceBook<R>;
  /** The provider's own status vocabulary, accepted by the control route. */
  statuses: readonly string[];
  withStatus(record: R, status: string, now: Date): R;
  summary(record: R): { remoteId: string; orderId: string | null; status: string };
  /** null when the request may pass, else the status the provider answers (401, 403). */
  authenticate(request: SandboxRequest): null | 401 | 403;
  routes: readonly SandboxRoute[];
  /** The provider's own error answer for a status code. */
  errorResponse(status: number): SandboxResponse;
  /** Keep changes in this file (`SandboxOptions.stateFile`); `seed` tells whose data they change. */
  persistence?: { stateFile: string; seed: number };
}

export interface SandboxApp {
  readonly provider: string;
  readonly faults: FaultInjector;
  /** Ids of a few invoices and orders, for examples and tests. */
  sample(count: number): Array<{ remoteId: string; orderId: string | null; status: string }>;
  setStatus(remoteId: string, status: string): 'changed' | 'unknown-invoice' | 'unknown-status';
  /** Deletes an invoice as the provider would; false when the id is unknown. */
  remove(remoteId: string): boolean;
  handle(request: SandboxRequest): Promise<SandboxResponse>;
}

interface CompiledRoute {
  method: string;
  pattern: RegExp;
  names: string[];
  route: SandboxRoute;
}

function compile(route: SandboxRoute): CompiledRoute {
  const names: string[] = [];
  const source = route.path.replace(/:([A-Za-z]+)/g, (_match, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { method: route.method, pattern: new RegExp(`^${source}$`, 'i'), names, route };
}

function match(routes: readonly CompiledRoute[], method: string, path: string) {
  for (const compiled of routes) {
    if (compiled.method !== method) continue;
    const found = compiled.pattern.exec(path);
    if (found === null) continue;
    const params: Record<string, string> = {};
    compiled.names.forEach((name, index) => {
      params[name] = decodeURIComponent(found[index + 1] ?? '');
    });
    return { route: compiled.route, params };
  }
  return null;
}

const StatusChange = z.strictObject({ status: z.string().min(1) });

export function createSandboxApp<R>(definition: SandboxDefinition<R>): SandboxApp {
  const routes = definition.routes.map(compile);
  const { book, persistence } = definition;
  const identity = { provider: definition.provider, size: book.size, seed: persistence?.seed ?? 0 };
  const faults = new FaultInjector((settings) => {
    changes.faults = settings;
    persist();
  });
  const changes: SandboxChanges = { changes: [], removed: [], faults: faults.settings };

  function applyStatus(remoteId: string, status: string, now: Date): boolean {
    return book.update(remoteId, (record) => definition.withStatus(record, status, now));
  }

  function persist(): void {
    if (persistence !== undefined) saveSandboxState(persistence.stateFile, identity, changes);
  }

  if (persistence !== undefined) {
    const saved = loadSandboxState(persistence.stateFile, identity);
    if (saved !== null) {
      // Replayed in order, with the time each was made: a change depends on the record before it.
      for (const change of saved.changes)
        if (applyStatus(change.remoteId, change.status, new Date(change.at))) changes.changes.push(change);
      for (const remoteId of saved.removed) if (book.remove(remoteId)) changes.removed.push(remoteId);
      faults.configure(saved.faults);
    }
    // A fresh state (or one for another size or seed) replaces whatever the file held.
    persist();
  }

  function setStatus(remoteId: string, status: string): 'changed' | 'unknown-invoice' | 'unknown-status' {
    if (!definition.statuses.includes(status)) return 'unknown-status';
    const now = new Date();
    if (!applyStatus(remoteId, status, now)) return 'unknown-invoice';
    changes.changes.push({ remoteId, status, at: now.getTime() });
    persist();
    return 'changed';
  }

  function remove(remoteId: string): boolean {
    if (!book.remove(remoteId)) return false;
    changes.removed.push(remoteId);
    persist();
    return true;
  }

  function sample(count: number) {
    const { book } = definition;
    return book.slice(0, Math.min(count, book.size)).map(definition.summary);
  }

  function control(request: SandboxRequest): SandboxResponse | null {
    const { method, path } = request;
    if (method === 'GET' && path === '/invoices') {
      const offset = boundedInteger(request.query.get('offset'), 0, definition.book.size, 0);
      const limit = boundedInteger(request.query.get('limit'), 1, 1000, 20);
      const invoices = definition.book.slice(offset, offset + limit).map(definition.summary);
      return json(200, { provider: definition.provider, total: definition.book.count, offset, invoices });
    }
    const invoiceRoute = /^\/invoices\/([^/]+)$/.exec(path);
    if (method === 'DELETE' && invoiceRoute !== null) {
      return remove(decodeURIComponent(invoiceRoute[1] ?? ''))
        ? { status: 204 }
        : problem(404, `no ${definition.provider} sandbox invoice has that id`);
    }
    const statusRoute = /^\/invoices\/([^/]+)\/status$/.exec(path);
    if (method === 'POST' && statusRoute !== null) {
      const parsed = StatusChange.safeParse(parseJsonOrNull(request.body));
      if (!parsed.success) return problem(400, 'body must be {"status": "<provider status>"}');
      const outcome = setStatus(decodeURIComponent(statusRoute[1] ?? ''), parsed.data.status);
      if (outcome === 'unknown-invoice')
        return problem(404, `no ${definition.provider} sandbox invoice has that id`);
      if (outcome === 'unknown-status') {
        return problem(
          400,
          `status must be one of ${definition.provider}'s own: ${definition.statuses.join(', ')}`,
        );
      }
      return { status: 204 };
    }
    if (path === '/faults' && method === 'GET') return json(200, faults.settings);
    if (path === '/faults' && method === 'PUT') {
      try {
        return json(200, faults.configure(parseJsonOrNull(request.body) ?? {}));
      } catch {
        return problem(400, 'fault settings invalid; GET /faults shows the fields and their defaults');
      }
    }
    return null;
  }

  async function handle(request: SandboxRequest): Promise<SandboxResponse> {
    const controlled = control(request);
    if (controlled !== null) return controlled;
    const { latencyMs } = faults.settings;
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs).unref());
    const fault = faults.decide();
    if (fault.kind === 'status') {
      const response = definition.errorResponse(fault.status);
      if (fault.retryAfterSeconds !== null) {
        response.headers = { ...response.headers, 'retry-after': String(fault.retryAfterSeconds) };
      }
      return response;
    }
    const found = match(routes, request.method, request.path);
    if (found === null) return definition.errorResponse(404);
    const denied = definition.authenticate(request);
    if (denied !== null) return definition.errorResponse(denied);
    const response = found.route.handle(request, found.params);
    if (fault.kind === 'malformed' && response.body !== undefined) {
      response.body = response.body.slice(0, Math.floor(response.body.length / 2));
    }
    return response;
  }

  return {
    provider: definition.provider,
    faults,
    sample,
    setStatus,
    remove,
    handle,
  };
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): SandboxResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(value),
  };
}

function problem(status: number, detail: string): SandboxResponse {
  return {
    status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE },
    body: JSON.stringify({
      type: problemType(status === 404 ? 'not-found' : 'invalid-input'),
      title: status === 404 ? 'Not found' : 'Invalid request',
      status,
      detail,
    }),
  };
}

function parseJsonOrNull(text: string): unknown {
  try {
    return text === '' ? null : JSON.parse(text);
  } catch {
    return null;
  }
}

/** A query parameter as an integer in [min, max], or the fallback. */
export function boundedInteger(value: string | null, min: number, max: number, fallback: number): number {
  if (value === null || !/^\d+$/.test(value)) return fallback;
  return Math.min(max, Math.max(min, Number(value)));
}

/** The bearer token of a request, or null. */
export function bearerToken(request: SandboxRequest): string | null {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(.+)$/i.exec(header);
  return match?.[1]?.trim() ?? null;
}

/** JSON or XML by the request's Accept header (JSON unless XML is asked for). */
export function wantsXml(request: SandboxRequest): boolean {
  const accept = request.headers.accept?.toLowerCase() ?? '';
  return accept.includes('xml') && !accept.startsWith('application/json');
}
