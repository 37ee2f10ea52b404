import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FunctionName } from '../../functions/catalog.ts';
import { FUNCTIONS, ROUTES } from '../../functions/routes.ts';
import { type ApiHandler, problemResponse } from '../../shared/api/api-handler.ts';
import { InvalidInput, UnacceptableRequest } from '../../shared/errors.ts';
import { PROBLEM_CONTENT_TYPE, toProblem } from '../../shared/problem.ts';
import type { ProviderId } from '../../shared/providers/registry.ts';
import type { SandboxApp } from '../../shared/sandbox/sandbox-app.ts';
import { serveSandboxRequest } from '../../shared/sandbox/sandbox-server.ts';
import { RouteMatcher, toApiGatewayEvent, writeResult } from './api-gateway.ts';
import type { FunctionHost } from './function-host.ts';

/**
 * The local runtime's HTTP front: what API Gateway does (the route table, real v2 events, the
 * functions' structured results), plus the sandbox providers under `/sandbox/<provider>`. It
 * listens on loopback only. Until the runtime is ready (handlers loaded, the development key
 * stored) it holds every request, so that a script waiting for `/health` never calls too early.
 */

const MAX_REQUEST_BYTES = 1024 * 1024;

export interface LocalHttp {
  server: Server;
  url: string;
  /** Lets held and new requests through. */
  ready(handlers: ReadonlyMap<string, ApiHandler>): void;
  close(): Promise<void>;
}

export async function startLocalHttp(options: {
  port: number;
  sandboxes: ReadonlyMap<ProviderId, SandboxApp>;
  host: FunctionHost;
}): Promise<LocalHttp> {
  let handlers: ReadonlyMap<string, ApiHandler> | undefined;
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  const matcher = new RouteMatcher(ROUTES, FUNCTIONS.docs);

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    await opened;
    const url = new URL(request.url ?? '/', 'http://local.invalid');
    const sandbox = /^\/sandbox\/([^/]+)(\/.*)?$/.exec(url.pathname);
    const app = sandbox === null ? undefined : options.sandboxes.get(sandbox[1] as ProviderId);
    if (sandbox !== null && app !== undefined) {
      await serveSandboxRequest(
        app,
        request,
        response,
        sandbox[2] ?? '/',
        url.searchParams,
        `/sandbox/${sandbox[1]}`,
      );
      return;
    }
    const body = await readBody(request);
    const matched = matcher.match(request.method ?? 'GET', url.pathname);
    if (matched === null) throw new InvalidInput('path', 'is not valid percent-encoding');
    const handler = handlers?.get(matched.functionName);
    if (handler === undefined) throw new Error(`no handler for function ${matched.functionName}`);
    const event = toApiGatewayEvent(request, body, matched, url);
    writeResult(response, await handler(event, options.host.context(matched.functionName as FunctionName)));
  }

  const server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      if (!response.headersSent) writeResult(response, problemResponse(toProblem(error), 'local'));
      else response.end();
    });
  });
  // Requests Node refuses before any handler runs (oversized headers, malformed HTTP) still get a problem.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return;
    const problem = toProblem(
      error.code === 'HPE_HEADER_OVERFLOW'
        ? new UnacceptableRequest(431, 'request headers exceed 16 KiB')
        : new InvalidInput('request', 'is not valid HTTP/1.1'),
    );
    const text = JSON.stringify(problem);
    socket.end(
      `HTTP/1.1 ${problem.status} ${problem.title}\r\ncontent-type: ${PROBLEM_CONTENT_TYPE}\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`,
    );
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port, '127.0.0.1', done);
  });
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ready(loaded) {
      handlers = loaded;
      open();
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

const EMPTY = Buffer.alloc(0);

async function readBody(request: IncomingMessage): Promise<Buffer> {
  // Most requests (every GET) say they have no body: nothing to wait for.
  if (request.headers['content-length'] === undefined && request.headers['transfer-encoding'] === undefined)
    return EMPTY;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES)
      throw new UnacceptableRequest(413, `request body exceeds ${MAX_REQUEST_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
