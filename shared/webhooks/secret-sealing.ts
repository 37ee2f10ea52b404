import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SecretsKeyReference } from '../config/references.ts';
import type { SealedSecret, StoredSecret } from './webhook.ts';

/**
 * Envelope encryption of webhook signing secrets. Each secret is encrypted (AES-256-GCM) with a
 * data key of its own; the data key is stored wrapped by a key encryption key that never leaves
 * its keeper: the stage's KMS key in AWS, a key file in the data folder locally. Both sides bind
 * the wrap to the endpoint (KMS encryption context; GCM additional data), so a sealed secret
 * copied onto another endpoint's item cannot be opened there.
 *
 * Only the functions that create or rotate secrets may wrap (kms:GenerateDataKey), and only the
 * function that signs deliveries may unwrap (kms:Decrypt); the stack tests hold them to it.
 */

export type SealingContext = Readonly<Record<string, string>>;

/** The port: data keys made and opened by whoever holds the key encryption key. */
export interface DataKeys {
  generate(context: SealingContext): Promise<{ plaintext: Buffer; wrapped: string }>;
  unwrap(wrapped: string, context: SealingContext): Promise<Buffer>;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

function aad(context: SealingContext): Buffer {
  return Buffer.from(JSON.stringify(Object.entries(context).sort(([a], [b]) => (a < b ? -1 : 1))));
}

function encrypt(key: Buffer, plaintext: Buffer, context: SealingContext) {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(context));
  const data = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return { iv, data };
}

function decrypt(key: Buffer, iv: Buffer, data: Buffer, context: SealingContext): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(aad(context));
  decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_BYTES)), decipher.final()]);
}

/**
 * The local runtime's key encryption key: 32 random bytes in a file of the data folder, made on
 * first use. Data keys are wrapped with AES-256-GCM under it.
 */
export class FileDataKeys implements DataKeys {
  readonly #file: string;
  #key: Buffer | undefined;

  constructor(file: string) {
    this.#file = file;
  }

  #master(): Buffer {
    if (this.#key === undefined) {
      if (!existsSync(this.#file)) {
        mkdirSync(dirname(this.#file), { recursive: true });
        writeFileSync(this.#file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
      }
      this.#key = Buffer.from(readFileSync(this.#file, 'utf8').trim(), 'base64');
      if (this.#key.length !== 32) throw new Error(`${this.#file} does not hold a 256-bit key`);
    }
    return this.#key;
  }

  async generate(context: SealingContext) {
    const plaintext = randomBytes(32);
    const { iv, data } = encrypt(this.#master(), plaintext, context);
    return { plaintext, wrapped: Buffer.concat([iv, data]).toString('base64') };
  }

  async unwrap(wrapped: string, context: SealingContext) {
    const bytes = Buffer.from(wrapped, 'base64');
    return decrypt(this.#master(), bytes.subarray(0, IV_BYTES), bytes.subarray(IV_BYTES), context);
  }
}

/** Data keys from AWS KMS (loaded on first use, so that functions that never seal skip the client). */
export class KmsDataKeys implements DataKeys {
  readonly #keyId: string;

  constructor(keyId: string) {
    this.#keyId = keyId;
  }

  async generate(context: SealingContext) {
    const { KMSClient, GenerateDataKeyCommand } = await import('@aws-sdk/client-kms');
    const answer = await kms(KMSClient).send(
      new GenerateDataKeyCommand({
        KeyId: this.#keyId,
        KeySpec: 'AES_256',
        EncryptionContext: { ...context },
      }),
    );
    if (answer.Plaintext === undefined || answer.CiphertextBlob === undefined)
      throw new Error('KMS answered without a data key');
    return {
      plaintext: Buffer.from(answer.Plaintext),
      wrapped: Buffer.from(answer.CiphertextBlob).toString('base64'),
    };
  }

  async unwrap(wrapped: string, context: SealingContext) {
    const { KMSClient, DecryptCommand } = await import('@aws-sdk/client-kms');
    const answer = await kms(KMSClient).send(
      new DecryptCommand({
        KeyId: this.#keyId,
        CiphertextBlob: Buffer.from(wrapped, 'base64'),
        EncryptionContext: { ...context },
      }),
    );
    if (answer.Plaintext === undefined) throw new Error('KMS answered without the data key');
    return Buffer.from(answer.Plaintext);
  }
}

let kmsClient: unknown;
function kms<T>(Client: new (config: object) => T): T {
  kmsClient ??= new Client({});
  return kmsClient as T;
}

export function dataKeysFor(reference: SecretsKeyReference): DataKeys {
  return 'kms' in reference ? new KmsDataKeys(reference.kms) : new FileDataKeys(reference.file);
}

/** How long an opened secret is kept in memory, so that deliveries do not unwrap on every send. */
const OPENED_CACHE_MS = 5 * 60_000;

export class SecretSealer {
  readonly #keys: DataKeys;
  readonly #opened = new Map<string, { secret: string; until: number }>();

  constructor(keys: DataKeys) {
    this.#keys = keys;
  }

  async seal(secret: string, context: SealingContext): Promise<SealedSecret> {
    const { plaintext, wrapped } = await this.#keys.generate(context);
    const { iv, data } = encrypt(plaintext, Buffer.from(secret, 'utf8'), context);
    plaintext.fill(0);
    return { v: 1, key: wrapped, iv: iv.toString('base64'), data: data.toString('base64') };
  }

  /** The secret in plain text; secrets stored before sealing existed are returned as they are. */
  async open(stored: StoredSecret, context: SealingContext, now: number): Promise<string> {
    if (typeof stored === 'string') return stored;
    const cacheKey = `${stored.key}|${stored.data}`;
    const cached = this.#opened.get(cacheKey);
    if (cached !== undefined && cached.until > now) return cached.secret;
    const dataKey = await this.#keys.unwrap(stored.key, context);
    const secret = decrypt(
      dataKey,
      Buffer.from(stored.iv, 'base64'),
      Buffer.from(stored.data, 'base64'),
      context,
    ).toString('utf8');
    dataKey.fill(0);
    if (this.#opened.size > 1000) this.#opened.clear();
    this.#opened.set(cacheKey, { secret, until: now + OPENED_CACHE_MS });
    return secret;
  }
}

/** The context a secret of an endpoint is sealed under. */
export function endpointContext(tenant: string, endpointId: string): SealingContext {
  return { tenant, endpoint: endpointId };
}
