import * as z from 'zod';

/**
 * Where secrets and keys are, as the functions' environment names them: schemas only. Reading a
 * secret is secrets.ts's job and sealing with the key secret-sealing.ts's, so that a function
 * whose environment names a secret carries the client that fetches it only if it calls it.
 */

/**
 * Where a secret lives: Secrets Manager in deployed stages; the local runtime may name an
 * environment variable instead. Stage configuration refuses `environment` outside local use.
 */
export const SecretReference = z.union([
  z.strictObject({ secretsManager: z.string().min(1).describe('Secret name or ARN') }),
  z.strictObject({
    environment: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/)
      .describe('Environment variable holding the secret (local runtime only)'),
  }),
]);
export type SecretReference = z.infer<typeof SecretReference>;

/** Where the key that seals webhook secrets is: a KMS key, or the local runtime's key file. */
export const SecretsKeyReference = z.union([
  z.strictObject({ kms: z.string().min(1).describe('KMS key ARN or alias') }),
  z.strictObject({ file: z.string().min(1).describe('Key file of the local runtime (local only)') }),
]);
export type SecretsKeyReference = z.infer<typeof SecretsKeyReference>;
