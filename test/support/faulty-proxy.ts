import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP proxy in front of a real peer (fauxqs) that answers a fixed share of requests with a
 * 500 instead of forwarding them: real protocol faults for a client that cannot tell the difference.
 * Which requests fail is deterministic, so a failing run can be repeated.
 */
export interface FaultyProxy {
  url: string;
  counts: { forwarded: number; failed: number };
  close(): Promise<void>;
}

const FAILURE = `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Receiver</Type><Code>InternalError</Code><Message>injected by the test proxy</Message></Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>`;

export async function startFaultyProxy(target: string, failShare: number): Promise<FaultyProxy> {
  const upstream = new URL(target);
  const counts = { forwarded: 0, failed: 0 };
  let requests = 0;
  const server = createServer((incoming: IncomingMessage, outgoing) => {
    const index = requests++;
    // Spread failures evenly: request i fails when (i × 37) mod 100 falls below the share.
    if ((index * 37) % 100 < failShare * 100) {
      counts.failed++;
      incoming.resume();
      outgoing.writeHead(500, { 'content-type': 'text/xml' }).end(FAILURE);
      return;
    }
    counts.forwarded++;
    const forward = httpRequest(
      {
        hostname: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers: { ...incoming.headers, host: upstream.host },
      },
      (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(outgoing);
      },
    );
    forward.on('error', () => outgoing.writeHead(502).end());
    incoming.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
