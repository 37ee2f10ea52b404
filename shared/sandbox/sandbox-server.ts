import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SandboxApp, SandboxRequest } from './sandbox-app.ts';

/** Serves sandbox apps over real HTTP: alone on a port, or mounted by the local runtime. */

const MAX_REQUEST_BYTES = 1024 * 1024;

export interface RunningSandbox {
  url: URL;
  close(): Promise<void>;
}

/** Answers a Node request with a sandbox app; `path` is the part below the sandbox's base. */
export async function serveSandboxRequest(
  app: SandboxApp,
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  query: URLSearchParams,
  basePath = '',
): Promise<void> {
  const body = await readBody(request);
  if (body === null) {
    response.writeHead(413).end();
    return;
  }
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const baseUrl = `http://${request.headers.host ?? '127.0.0.1'}${basePath}`;
  const sandboxRequest: SandboxRequest = {
    baseUrl,
    method: request.method ?? 'GET',
    path,
    query,
    headers,
    body,
  };
  const answer = await app.handle(sandboxRequest);
  response.writeHead(answer.status, answer.headers ?? {});
  response.end(answer.body ?? '');
}

async function readBody(request: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts one sandbox on loopback (port 0: any free port). */
export async function startSandboxServer(
  app: SandboxApp,
  options: { port?: number; host?: string } = {},
): Promise<RunningSandbox> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://sandbox.invalid');
    serveSandboxRequest(app, request, response, url.pathname, url.searchParams).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: new URL(`http://${host}:${port}`),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
