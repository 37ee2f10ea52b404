import { describe, expect, test } from 'vitest';
import { InvalidInput } from '../../../shared/errors.ts';
import { retryDelaySeconds } from '../../../shared/webhooks/retry-schedule.ts';
import { checkTarget, refusal } from '../../../shared/webhooks/ssrf.ts';

/** Every target a webhook must never reach, at registration (the connect-time check shares `refusal`). */

const resolver = (answers: Record<string, string[]>) => async (host: string) =>
  (answers[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

const publicDns = resolver({
  'hooks.example.com': ['93.184.216.34'],
  'dual.example.com': ['93.184.216.34', '10.0.0.5'],
});
const strict = { allowPrivate: false };

const hostile: Array<[string, string]> = [
  ['http://hooks.example.com/x', 'must be https'],
  ['ftp://hooks.example.com/x', 'must be https'],
  ['https://user:pass@hooks.example.com/x', 'credentials'],
  ['not a url', 'absolute URL'],
  ['https://127.0.0.1/x', 'loopback'],
  ['https://127.1.2.3/x', 'loopback'],
  ['https://[::1]/x', 'loopback'],
  ['https://10.0.0.1/x', 'private'],
  ['https://172.16.5.4/x', 'private'],
  ['https://172.31.255.255/x', 'private'],
  ['https://192.168.1.1/x', 'private'],
  ['https://100.64.0.1/x', 'carrierGradeNat'],
  ['https://100.127.255.254/x', 'carrierGradeNat'],
  ['https://169.254.169.254/latest/meta-data', 'linkLocal'],
  ['https://169.254.1.1/x', 'linkLocal'],
  ['https://[fe80::1]/x', 'linkLocal'],
  ['https://[fc00::1]/x', 'uniqueLocal'],
  ['https://[fd12:3456::1]/x', 'uniqueLocal'],
  ['https://0.0.0.0/x', 'unspecified'],
  ['https://[::]/x', 'unspecified'],
  ['https://224.0.0.1/x', 'multicast'],
  ['https://[ff02::1]/x', 'multicast'],
  ['https://255.255.255.255/x', 'broadcast'],
  ['https://192.0.2.10/x', 'reserved'],
  ['https://198.51.100.10/x', 'reserved'],
  ['https://203.0.113.10/x', 'reserved'],
  ['https://[2001:db8::1]/x', 'reserved'],
  ['https://240.0.0.1/x', 'reserved'],
  ['https://[::ffff:127.0.0.1]/x', 'loopback'],
  ['https://[::ffff:169.254.169.254]/x', 'linkLocal'],
  ['https://[::ffff:10.0.0.1]/x', 'private'],
  ['https://[64:ff9b::a9fe:a9fe]/x', 'linkLocal'],
  ['https://[2002:a9fe:a9fe::1]/x', 'linkLocal'],
  ['https://dual.example.com/x', 'private'],
  ['https://nowhere.example.com/x', 'does not resolve'],
  ['https://2130706433/x', 'loopback'],
  ['https://0x7f.0.0.1/x', 'loopback'],
  // IPv4-compatible IPv6 (::/96): URL parsing turns [::127.0.0.1] into [::7f00:1], which once passed.
  ['https://[::127.0.0.1]/x', 'IPv4-compatible'],
  ['https://[::7f00:1]/x', 'IPv4-compatible'],
  ['https://[0:0:0:0:0:0:169.254.169.254]/x', 'IPv4-compatible'],
  ['https://[::8.8.8.8]/x', 'IPv4-compatible'],
  // The local-use NAT64 prefix translates to whatever sits behind the network's own gateway.
  ['https://[64:ff9b:1::a9fe:a9fe]/x', 'local-use NAT64'],
  ['https://[64:ff9b:1::808:808]/x', 'local-use NAT64'],
  // Only 443 and the unprivileged ports.
  ['https://hooks.example.com:22/x', 'port 22'],
  ['https://hooks.example.com:80/x', 'port 80'],
  ['https://hooks.example.com:1023/x', 'port 1023'],
];

describe('webhook targets', () => {
  test.each(hostile)('%s is refused (%s)', async (url, reason) => {
    const error = await checkTarget(url, strict, publicDns).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidInput);
    expect((error as InvalidInput).parameter).toBe('url');
    expect((error as InvalidInput).reason).toContain(reason);
  });

  test('a public https target is accepted, on 443 or an unprivileged port', async () => {
    expect((await checkTarget('https://hooks.example.com/invoices', strict, publicDns)).href).toBe(
      'https://hooks.example.com/invoices',
    );
    expect((await checkTarget('https://hooks.example.com:8443/x', strict, publicDns)).port).toBe('8443');
    expect(refusal('2606:4700:4700::1111', strict)).toBeNull();
    // NAT64's well-known prefix with a public address is an ordinary public target.
    expect(refusal('64:ff9b::808:808', strict)).toBeNull();
  });

  test('a refusal without the local flag says how to allow a receiver on this machine', async () => {
    await expect(checkTarget('https://127.0.0.1:4000/x', strict, publicDns)).rejects.toThrow(
      /ALLOW_PRIVATE_WEBHOOK_TARGETS=true/,
    );
    await expect(checkTarget('http://hooks.example.com:4000/x', strict, publicDns)).rejects.toThrow(
      /ALLOW_PRIVATE_WEBHOOK_TARGETS=true/,
    );
  });

  test('the local runtime may allow loopback, private and http, but never link-local or metadata', async () => {
    const local = { allowPrivate: true };
    await expect(checkTarget('http://127.0.0.1:8080/hook', local, publicDns)).resolves.toBeInstanceOf(URL);
    await expect(checkTarget('http://192.168.1.20:4000/hook', local, publicDns)).resolves.toBeInstanceOf(URL);
    await expect(checkTarget('http://[::1]:4000/hook', local, publicDns)).resolves.toBeInstanceOf(URL);
    await expect(checkTarget('http://169.254.169.254:8080/', local, publicDns)).rejects.toThrow(/linkLocal/);
    await expect(checkTarget('http://[fe80::1]:8080/', local, publicDns)).rejects.toThrow(/linkLocal/);
    await expect(checkTarget('http://100.64.0.1:8080/', local, publicDns)).rejects.toThrow(/carrierGradeNat/);
    await expect(checkTarget('http://[::7f00:1]:8080/', local, publicDns)).rejects.toThrow(/IPv4-compatible/);
    await expect(checkTarget('http://127.0.0.1/hook', local, publicDns)).rejects.toThrow(/port 80/);
  });
});

describe('retry schedule', () => {
  const schedule = [0, 5, 300, 1800, 7200, 18_000, 36_000, 36_000];

  test('the first retry follows at once, then the schedule with ±20% jitter, and it ends after the last entry', () => {
    expect(retryDelaySeconds(1, schedule, null, () => 0.9)).toBe(0);
    expect(retryDelaySeconds(2, schedule, null, () => 0.5)).toBe(5);
    expect(retryDelaySeconds(3, schedule, null, () => 0)).toBe(240);
    expect(retryDelaySeconds(3, schedule, null, () => 1)).toBeCloseTo(360);
    expect(retryDelaySeconds(8, schedule, null, () => 0.5)).toBe(36_000);
    expect(retryDelaySeconds(9, schedule, null, () => 0.5)).toBeNull();
  });

  test('honours Retry-After, within twelve hours', () => {
    expect(retryDelaySeconds(1, schedule, 120, () => 0.5)).toBe(120);
    expect(retryDelaySeconds(4, schedule, 60, () => 0.5)).toBe(1800);
    expect(retryDelaySeconds(1, schedule, 10 ** 9, () => 0.5)).toBe(43_200);
  });
});
