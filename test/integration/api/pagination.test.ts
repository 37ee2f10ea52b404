import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Problem } from '../../../shared/api/responses.ts';
import { InvoicePage } from '../../../shared/invoice/invoice.ts';
import { type LocalApi, startLocalApi } from '../../support/local-api.ts';

let api: LocalApi;
beforeAll(async () => {
  api = await startLocalApi({ sandboxSize: 60 });
});
afterAll(() => api.stop());

async function walk(connection: string, query = '') {
  const ids: string[] = [];
  let path: string | null = `/v1/connections/${connection}/invoices?limit=7${query}`;
  let pages = 0;
  while (path !== null) {
    const page = InvoicePage.parse(await api.json(path));
    ids.push(...page.invoices.map((invoice) => invoice.remoteId));
    path =
      page.next === null
        ? null
        : `/v1/connections/${connection}/invoices?limit=7${query}&cursor=${encodeURIComponent(page.next)}`;
    pages++;
  }
  return { ids, pages };
}

describe('pagination with cursors', () => {
  test.each(['pretendentas', 'packcloud', 'carbonext'])(
    '%s pages to the end, every invoice once',
    async (connection) => {
      const { ids, pages } = await walk(connection);
      const expected = api.runtime.sandboxes
        .get(connection as 'carbonext')
        ?.sample(1000)
        .map((s) => s.remoteId);
      expect(ids).toEqual(expected);
      expect(pages).toBe(9);
    },
  );

  test('status filters each page: together the pages hold exactly the invoices in that status', async () => {
    const { ids } = await walk('carbonext', '&status=PAID');
    const paid = api.runtime.sandboxes
      .get('carbonext')
      ?.sample(1000)
      .filter((s) => s.status === 'Paid')
      .map((s) => s.remoteId);
    expect(ids).toEqual(paid);
  });

  async function cursorProblem(connection: string, cursor: string) {
    const response = await api.call(
      `/v1/connections/${connection}/invoices?cursor=${encodeURIComponent(cursor)}`,
    );
    expect(response.status).toBe(400);
    return Problem.parse(await response.json());
  }

  test('an edited cursor is refused with a 400 naming the cursor', async () => {
    const first = InvoicePage.parse(await api.json('/v1/connections/carbonext/invoices?limit=5'));
    const next = first.next ?? '';
    const [payload, signature] = next.split('.');
    // The cursor names the provider's page 2; make it say page 5.
    const claim = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as { p: string };
    claim.p = claim.p.replace('"p":"2"', '"p":"5"');
    expect(claim.p).toContain('"p":"5"');
    const edited = JSON.stringify(claim);
    const problem = await cursorProblem(
      'carbonext',
      `${Buffer.from(edited).toString('base64url')}.${signature}`,
    );
    expect(problem).toMatchObject({ parameter: 'cursor', detail: expect.stringMatching(/altered/) });
  });

  test('a cursor cannot steer the service to another host, even one it signed for another connection', async () => {
    const packcloud = InvoicePage.parse(await api.json('/v1/connections/packcloud/invoices?limit=5'));
    const problem = await cursorProblem('carbonext', packcloud.next ?? '');
    expect(problem.detail).toMatch(/another connection/);
    const forged = Buffer.from(
      JSON.stringify({ v: 1, c: 'packcloud', p: 'http://169.254.169.254/latest/meta-data', e: 9e9 }),
    ).toString('base64url');
    expect((await cursorProblem('packcloud', `${forged}.AAAA`)).detail).toMatch(/altered/);
  });

  test.each(['garbage', 'a.b.c', '.', 'x'.repeat(5000)])(
    'cursor %# that is not one is a 400',
    async (cursor) => {
      expect((await cursorProblem('carbonext', cursor)).parameter).toBe('cursor');
    },
  );
});
