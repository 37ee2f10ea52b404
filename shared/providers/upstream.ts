import {
  MalformedResponse,
  NotFound,
  ProviderAuthFailed,
  ProviderRejected,
  type ResourceKind,
} from '../errors.ts';
import type { HttpResponse } from '../http/http-client.ts';

/** Helpers for the HTTP side of adapters: URLs on the connection's origin and status mapping. */

/**
 * `path` under the connection's base URL, keeping the base's own path prefix
 * (`http://127.0.0.1:3000/sandbox/packcloud` + `/v1/…`).
 */
export function endpoint(
  baseUrl: URL,
  path: string,
  query: Record<string, string | number | null> = {},
): URL {
  const url = new URL(baseUrl.href.replace(/\/+$/, '') + path);
  for (const [name, value] of Object.entries(query)) {
    if (value !== null) url.searchParams.set(name, String(value));
  }
  return url;
}

/**
 * A link the provider sent (a `next` page, a PDF), accepted only on the connection's own origin:
 * following it elsewhere would hand our credentials to whoever wrote the link.
 */
export function linkOnOrigin(provider: string, baseUrl: URL, link: string, field: string): URL {
  let url: URL;
  try {
    url = new URL(link, baseUrl);
  } catch {
    throw new MalformedResponse(provider, `${field} is not a URL`);
  }
  if (url.origin !== baseUrl.origin) {
    throw new MalformedResponse(
      provider,
      `${field} points outside the connection's origin; it is not followed`,
    );
  }
  return url;
}

/**
 * Turns non-2xx answers that reached the adapter (429 and 5xx were already retried and mapped
 * by the HTTP client) into typed errors. `providerMessage` extracts the provider's error text.
 */
export function expectSuccess(
  provider: string,
  response: HttpResponse,
  missing: { resource: ResourceKind; identifier: string },
  providerMessage: (body: string) => string | null = () => null,
): void {
  const { status } = response;
  if (status >= 200 && status < 300) return;
  if (status === 401) throw new ProviderAuthFailed(provider, 'unauthorized');
  if (status === 403) throw new ProviderAuthFailed(provider, 'forbidden');
  if (status === 404) throw new NotFound(missing.resource, missing.identifier);
  throw new ProviderRejected(provider, status, safeMessage(providerMessage, response.body.toString('utf8')));
}

function safeMessage(extract: (body: string) => string | null, body: string): string | null {
  try {
    const message = extract(body);
    return message === null ? null : message.slice(0, 500);
  } catch {
    return null;
  }
}

export function bodyText(response: HttpResponse): string {
  return response.body.toString('utf8');
}

export function contentType(response: HttpResponse): string | null {
  return response.headers.get('content-type');
}
