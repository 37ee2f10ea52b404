import net from 'node:net';
import { type FauxqsServer, startFauxqs } from 'fauxqs';

/**
 * SNS and SQS for the local runtime and tests: fauxqs in-process, on loopback only.
 *
 * fauxqs always binds 0.0.0.0 (its `host` option only names queue URLs). Nothing started here may
 * listen beyond loopback, so for the duration of its start-up a listen on 0.0.0.0 is narrowed to
 * 127.0.0.1. The patch is undone before this function returns.
 */
export async function startLoopbackFauxqs(
  options: { dataDir?: string; port?: number } = {},
): Promise<FauxqsServer> {
  const listen = net.Server.prototype.listen;
  net.Server.prototype.listen = function (this: net.Server, ...args: unknown[]) {
    const [first] = args;
    if (typeof first === 'object' && first !== null && (first as net.ListenOptions).host === '0.0.0.0') {
      args[0] = { ...(first as net.ListenOptions), host: '127.0.0.1' };
    }
    return (listen as (...a: unknown[]) => net.Server).apply(this, args);
  } as typeof listen;
  try {
    return await startFauxqs({
      port: options.port ?? 0,
      logger: false,
      ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    });
  } finally {
    net.Server.prototype.listen = listen;
  }
}
