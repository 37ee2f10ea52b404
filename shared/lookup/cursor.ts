import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { InvalidInput } from '../errors.ts';
import { parseJsonOrUndefined } from '../wire/json.ts';

/**
 * API cursors: the adapter's own cursor (an offset, a page index, a provider's next link) sealed
 * with the connection it belongs to and an expiry, and signed with HMAC-SHA256. A forged or edited
 * cursor fails the signature; one from another connection fails the binding. Either way the
 * caller gets a 400, and adapters still check links against the connection's origin.
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
    connection: string,
    cursor: string,
    now: number = Date.now(),
    lifetimeSeconds = LIFETIME_SECONDS,
  ): Promise<string> {
    const payload = Buffer.from(
      JSON.stringify({ v: 1, c: connection, p: cursor, e: Math.floor(now / 1000) + lifetimeSeconds }),
    ).toString('base64url');
    return `${payload}.${await this.#sign(payload)}`;
  }

  /**
   * The adapter cursor inside a token issued for `connection`; a 400 naming `parameter` for
   * anything else.
   */
  async open(
    token: string,
    connection: string,
    now: number = Date.now(),
    parameter = 'cursor',
  ): Promise<string> {
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
    if (parsed.data.c !== connection) throw invalid('belongs to another connection');
    if (parsed.data.e * 1000 < now) throw invalid('has expired; start again without a cursor');
    return parsed.data.p;
  }

  async #sign(payload: string): Promise<string> {
    return createHmac('sha256', await this.#key())
      .update(payload)
      .digest('base64url');
  }
}
