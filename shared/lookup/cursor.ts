import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { InvalidInput } from '../errors.ts';
import { parseJsonOrUndefined } from '../wire/json.ts';

/**
 * API cursors: a position (an adapter's own cursor with an offset into its page, a place in the
 * snapshot store or the event log) sealed with the scope it belongs to and an expiry, and signed
 * with HMAC-SHA256. The scope binds a cursor to what issued it: the connection, the key's tenant
 * and the query, so a cursor is worthless with another connection, tenant or filter. A forged or
 * edited cursor fails the signature, one from elsewhere fails the binding; either way the caller
 * gets a 400, and adapters still check links against the connection's origin.
 */

const Payload = z.object({ v: z.literal(1), c: z.string(), p: z.string(), e: z.number() });

const LIFETIME_SECONDS = 24 * 60 * 60;

export class CursorSigner {
  readonly #key: () => Promise<string>;

  /** `key` resolves the signing secret (cached by its source). */
  constructor(key: () => Promise<string>) {
    this.#key = key;
  }

  /** `lifetimeSeconds`: page cursors live a day; event-log positions as long as the log keeps events. */
  async seal(
    scope: string,
    cursor: string,
    now: number,
    lifetimeSeconds = LIFETIME_SECONDS,
  ): Promise<string> {
    const payload = Buffer.from(
      JSON.stringify({ v: 1, c: scope, p: cursor, e: Math.floor(now / 1000) + lifetimeSeconds }),
    ).toString('base64url');
    return `${payload}.${await this.#sign(payload)}`;
  }

  /**
   * The position inside a token issued for `scope`; a 400 naming `parameter` for anything else.
   */
  async open(token: string, scope: string, now: number, parameter = 'cursor'): Promise<string> {
    const invalid = (reason: string) => new InvalidInput(parameter, reason);
    const [payload, signature, extra] = token.split('.');
    if (payload === undefined || signature === undefined || extra !== undefined)
      throw invalid('is not a cursor');
    const expected = Buffer.from(await this.#sign(payload));
    const presented = Buffer.from(signature);
    if (expected.length !== presented.length || !timingSafeEqual(expected, presented)) {
      throw invalid('was not issued by this service or has been altered');
    }
    const parsed = Payload.safeParse(
      parseJsonOrUndefined(Buffer.from(payload, 'base64url').toString('utf8')),
    );
    if (!parsed.success) throw invalid('is not a cursor');
    if (parsed.data.c !== scope)
      throw invalid('belongs to another connection, key or query; start again without a cursor');
    if (parsed.data.e * 1000 < now) throw invalid('has expired; start again without a cursor');
    return parsed.data.p;
  }

  /**
   * The scope a cursor claims, unverified: only for choosing which scope to open it with (an
   * `auto` read continues whichever kind of page it was given); `open` still checks everything.
   */
  claimedScope(token: string): string | null {
    const [payload] = token.split('.');
    const parsed = Payload.safeParse(
      parseJsonOrUndefined(Buffer.from(payload ?? '', 'base64url').toString('utf8')),
    );
    return parsed.success ? parsed.data.c : null;
  }

  async #sign(payload: string): Promise<string> {
    return createHmac('sha256', await this.#key())
      .update(payload)
      .digest('base64url');
  }
}
