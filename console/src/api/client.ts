import createClient, { type Middleware } from 'openapi-fetch';
import { currentKey, signOut } from '../session.ts';
import type { paths } from './openapi';
import type { Problem } from './types.ts';

/**
 * The typed client of the public API (openapi-fetch over the generated `paths`). The console is
 * served at `<API root>/console`, so the API root is the page's folder: same origin always, and a
 * base path in front of the API keeps working.
 */
export const API_ROOT = new URL('.', window.location.href).href.replace(/\/$/, '');

const withKey: Middleware = {
  onRequest({ request }) {
    const key = currentKey();
    // The sign-in form sends the key it checks itself.
    if (key !== null && !request.headers.has('authorization')) {
      request.headers.set('authorization', `Bearer ${key}`);
    }
    return request;
  },
  onResponse({ request, response }) {
    // A key revoked mid-session: back to the sign-in form, saying why.
    if (response.status === 401 && currentKey() !== null && request.headers.has('authorization')) {
      signOut('The API refused this key (unknown or revoked). Sign in with another one.');
    }
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: API_ROOT, credentials: 'omit', cache: 'no-store' });
api.use(withKey);

/** A refused or failed call, with the RFC 9457 problem the API answered when it did. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem | null;

  constructor(status: number, problem: Problem | null, message: string) {
    super(message);
    this.status = status;
    this.problem = problem;
  }
}

function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && 'title' in value && 'status' in value;
}

interface Outcome<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The body and response of a call that succeeded; an ApiError otherwise. */
export async function unwrap<T>(call: Promise<Outcome<T>>): Promise<{ data: T; response: Response }> {
  let outcome: Outcome<T>;
  try {
    outcome = await call;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, null, 'The API could not be reached. Is it running?');
  }
  const { data, error, response } = outcome;
  if (response.ok) return { data: data as T, response };
  const problem = isProblem(error) ? error : null;
  const message = problem === null ? `${response.status} ${response.statusText}` : problem.detail;
  throw new ApiError(response.status, problem, message);
}

/** Just the body of a call that succeeded. */
export async function body<T>(call: Promise<Outcome<T>>): Promise<T> {
  return (await unwrap(call)).data;
}
