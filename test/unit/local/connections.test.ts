import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { localConnections } from '../../../infra/local/local-connections.ts';

describe('the switch to real providers', () => {
  test('the documented example connections file is valid configuration', () => {
    const { connections, sandboxed } = localConnections(
      'http://127.0.0.1:3000',
      'infra/local/connections.example.json',
    );
    expect(sandboxed).toBe(false);
    expect(connections.map((c) => c.id)).toEqual(['acme-carbonext', 'acme-packcloud', 'acme-orders']);
  });

  test('a file with a mistake names the field', () => {
    const broken = JSON.parse(readFileSync('infra/local/connections.example.json', 'utf8'));
    broken[1].options = {};
    const path = `${process.env.TMPDIR ?? '/tmp'}/broken-connections.json`;
    writeFileSync(path, JSON.stringify(broken));
    expect(() => localConnections('http://x', path)).toThrow(/1\.options\.organizationId/);
  });

  test('without a file every sandbox is a connection named after its provider', () => {
    const { connections, sandboxed } = localConnections('http://127.0.0.1:3000');
    expect(sandboxed).toBe(true);
    expect(connections.map((c) => [c.id, c.baseUrl])).toContainEqual([
      'packcloud',
      'http://127.0.0.1:3000/sandbox/packcloud',
    ]);
  });
});
