import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { parseRetryAfter } from '../http/http-client.ts';
import {
  guardedLookup,
  type Resolver,
  refuseLiteral,
  systemResolver,
  type TargetPolicy,
  TargetRefused,
} from './ssrf.ts';

/**
 * One POST to a subscriber: connect within 5 s, finish within 15 s, keep at most 20 KB of what it
 * answers, never follow a redirect, and dial only addresses the SSRF policy permits (checked on
 * the address actually connected to). Answers what happened; never throws.
 */

export interface DeliveryClientOptions {
  policy: TargetPolicy;
  resolver?: Resolver;
  /** @default 5000 */
  connectTimeoutMs?: number;
  /** Whole request. @default 15000 */
  timeoutMs?: number;
  /** @default 20480 */
  maxResponseBytes?: number;
}

export type SendResult =
  | {
      kind: 'response';
      statusCode: number;
      retryAfterSeconds: number | null;
      excerpt: string;
      durationMs: number;
    }
  | {
      kind: 'error';
      reason: 'refused' | 'connect-timeout' | 'timeout' | 'network';
      message: string;
      durationMs: number;
    };

export type DeliveryClient = (
  url: string,
  headers: Record<string, string>,
  body: string,
) => Promise<SendResult>;

class ConnectTimeout extends Error {}

export function createDeliveryClient(options: DeliveryClientOptions): DeliveryClient {
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxBytes = options.maxResponseBytes ?? 20_480;
  const lookup = guardedLookup(options.policy, options.resolver ?? systemResolver);
  const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

  return (target, headers, body) =>
    new Promise<SendResult>((resolve) => {
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      const url = new URL(target);
      try {
        refuseLiteral(url, options.policy);
      } catch (error: unknown) {
        resolve({ kind: 'error', reason: 'refused', message: (error as Error).message, durationMs: 0 });
        return;
      }
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const request = send(url, {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'invoice-relay-webhooks/1',
        },
        agent: url.protocol === 'https:' ? agents.https : agents.http,
        lookup: lookup as never,
        signal: AbortSignal.timeout(timeoutMs),
      });
      let settled = false;
      const finish = (result: SendResult) => {
        if (settled) return;
        settled = true;
        resolve(result);
      };
      request.on('socket', (socket) => {
        if (!socket.connecting) return;
        const timer = setTimeout(
          () => request.destroy(new ConnectTimeout('connect timeout')),
          connectTimeoutMs,
        );
        socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => clearTimeout(timer));
        socket.once('close', () => clearTimeout(timer));
      });
      request.on('response', (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () =>
          finish({
            kind: 'response',
            statusCode: response.statusCode ?? 0,
            retryAfterSeconds: (() => {
              const ms = parseRetryAfter(response.headers['retry-after'] ?? null);
              return ms === null ? null : Math.ceil(ms / 1000);
            })(),
            excerpt: Buffer.concat(chunks).toString('utf8').slice(0, 2048),
            durationMs: elapsed(),
          });
        response.on('data', (chunk: Buffer) => {
          if (size >= maxBytes) return;
          chunks.push(chunk.subarray(0, maxBytes - size));
          size += chunk.length;
          // Enough kept: stop reading a body that could be endless.
          if (size >= maxBytes) {
            done();
            response.destroy();
          }
        });
        response.on('end', done);
        response.on('error', done);
      });
      request.on('error', (error: Error) => {
        const reason =
          error instanceof TargetRefused
            ? 'refused'
            : error instanceof ConnectTimeout
              ? 'connect-timeout'
              : error.name === 'TimeoutError' || error.name === 'AbortError'
                ? 'timeout'
                : 'network';
        finish({
          kind: 'error',
          reason,
          message: reason === 'network' ? 'connection failed' : error.message,
          durationMs: elapsed(),
        });
      });
      request.end(body);
    });
}
