import { createServer } from 'node:http';

/**
 * bench/api's baseline: the least an API in front of a provider does, in a process of its own
 * (`node bench/support/floor-proxy.ts <provider base URL> <token>`). Each request is the same
 * request to the provider (path and query as received, the provider's token) with fetch; the
 * answer's JSON is parsed and serialized again and sent back. No authentication, validation,
 * normalization or logging: what the product's API takes beyond this is its own cost.
 * Prints its URL on the first line; stops on SIGTERM.
 */
const [base = '', token = ''] = process.argv.slice(2);
if (base === '') throw new Error('usage: floor-proxy <provider base URL> <token>');

const server = createServer((request, response) => {
  fetch(`${base}${request.url ?? '/'}`, { headers: { authorization: `Bearer ${token}` } })
    .then(async (upstream) => {
      const body = JSON.stringify(JSON.parse(await upstream.text()));
      response.writeHead(upstream.status, { 'content-type': 'application/json' }).end(body);
    })
    .catch((error: unknown) => {
      response.writeHead(502, { 'content-type': 'text/plain' }).end(String(error));
    });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  console.log(`http://127.0.0.1:${address.port}`);
});
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
