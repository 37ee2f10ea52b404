import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type LocalApi, startLocalApi } from '../../support/local-api.ts';

/**
 * The README's AWS CLI example, run as written against the local endpoints with the AWS CLI on
 * this machine's PATH (aws-cli 1.x; see the README for versions that fail against fauxqs). Only the
 * endpoints are replaced: `npm start` fixes them at 4566 and 8000, a test takes free ports.
 */

const run = promisify(execFile);
const MARKER = '<!-- tested by test/integration/api/aws-cli.test.ts -->';

function readmeExample(): string {
  const readme = readFileSync('README.md', 'utf8');
  const after = readme.slice(readme.indexOf(MARKER) + MARKER.length);
  const block = /```sh\n([\s\S]*?)```/.exec(after)?.[1];
  if (readme.indexOf(MARKER) < 0 || block === undefined)
    throw new Error(`README has no block after ${MARKER}`);
  return block;
}

let api: LocalApi;
beforeAll(async () => {
  api = await startLocalApi({ snapshotIntervalSeconds: 0, sandboxSize: 20 });
  await api.runtime.snapshotNow();
}, 120_000);
afterAll(() => api.stop());

describe('the README’s AWS CLI example', () => {
  test('subscribes a queue with a filter, receives exactly the one invoice.paid message, scans the table', async () => {
    const { stdout: version } = await run('aws', ['--version'], { encoding: 'utf8' }).catch(() => ({
      stdout: 'the AWS CLI is not on the PATH',
    }));
    expect(version, 'the README example needs aws-cli 1.x on the PATH').toMatch(/aws-cli\/1\./);
    const script = readmeExample()
      .replaceAll('http://127.0.0.1:4566', api.runtime.fauxqs.address)
      .replaceAll('http://127.0.0.1:8000', api.runtime.dynamo.endpoint);
    expect(script).toContain(api.runtime.messaging.eventsTopicArn);
    const [setUp = '', receive = ''] = script.split(/^(?=# now mark)/m);
    const bash = (text: string) => run('bash', ['-euo', 'pipefail', '-c', text], { encoding: 'utf8' });

    // The set-up prints the subscription; the queue's URL is added as the last line.
    const created = await bash(`${setUp}\nprintf '%s' "$QUEUE_URL"`);
    const queueUrl = created.stdout.trim().split('\n').at(-1) ?? '';
    expect(queueUrl).toMatch(/paid-invoices$/);

    const carbonext = api.runtime.sandboxes.get('carbonext');
    const paid = carbonext?.sample(20).find((invoice) => invoice.status === 'Pending')?.remoteId ?? '';
    carbonext?.setStatus(paid, 'Paid');
    await api.runtime.snapshotNow();

    const environment = setUp.split('\n').filter((line) => /^(export |[A-Z_]+=[^$])/.test(line));
    const { stdout } = await bash([...environment, `QUEUE_URL='${queueUrl}'`, receive].join('\n'));
    const messages = stdout.split('\n').filter((line) => line.startsWith('invoice.'));
    expect(messages).toHaveLength(1);
    const [type, body] = (messages[0] ?? '').split('\t');
    expect(type).toBe('invoice.paid');
    expect(JSON.parse(body ?? '{}')).toMatchObject({
      type: 'invoice.paid',
      invoice: { remoteId: paid, status: 'PAID' },
    });
    expect(Number(/"Count": (\d+)/.exec(stdout)?.[1])).toBeGreaterThan(0);
  }, 120_000);
});
