import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ApiHandler } from './api-handler.ts';

/**
 * Headers every response of a function serving pages carries (the docs function: the reference,
 * its files, the OpenAPI document, redirects, health and problems alike), so that no answer of
 * it can be framed, sniffed into another type, leak the page's URL, or run a script that is not
 * one of its own files.
 *
 * `style-src 'unsafe-inline'`: the renderer (Scalar's API reference) injects its stylesheet at run
 * time and sets `style` attributes on what it renders; styles cannot run code. Scripts stay
 * strict: only same-origin files, no inline script, no eval.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cross-origin-opener-policy': 'same-origin',
};

/** The handler, with the security headers on every response it gives, problems included. */
export function withSecurityHeaders(handler: ApiHandler): ApiHandler {
  return async (event, context) => {
    const response: APIGatewayProxyStructuredResultV2 = await handler(event, context);
    return { ...response, headers: { ...response.headers, ...SECURITY_HEADERS } };
  };
}
