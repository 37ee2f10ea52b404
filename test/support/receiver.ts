import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A webhook receiver on loopback that records every request and answers as a test scripts it
 * (by path, and by how often it has seen that webhook-id).
 */
export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

export type Script = (
  request: { path: string; seen: number; webhookId: string },
  response: ServerResponse,
) => void;

export interface Receiver {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

export async function startReceiver(
  script: Script = (_request, response) => response.writeHead(204).end(),
): Promise<Receiver> {
  const received: Received[] = [];
  const seen = new Map<string, number>();
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += String(chunk);
    });
    request.on('end', () => {
      const webhookId = String(request.headers['webhook-id'] ?? '');
      const key = `${request.url}|${webhookId}`;
      const count = (seen.get(key) ?? 0) + 1;
      seen.set(key, count);
      received.push({ path: request.url ?? '/', headers: request.headers, body, at: performance.now() });
      script({ path: request.url ?? '/', seen: count, webhookId }, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
