import * as z from 'zod';

/**
 * Where a secret lives. Deployed stages use Secrets Manager (fetched through Powertools
 * Parameters and cached for `SECRET_CACHE_SECONDS`); the local runtime may name an environment
 * variable instead. Stage configuration refuses `environment` outside local use (see infra/).
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

export interface SecretSource {
  get(reference: SecretReference): Promise<string>;
}

const SECRET_CACHE_SECONDS = 300;

/** Secrets from Secrets Manager (cached) or the environment, as each reference says. */
export function createSecretSource(environment: NodeJS.ProcessEnv = process.env): SecretSource {
  return {
    async get(reference) {
      if ('environment' in reference) {
        const value = environment[reference.environment];
        if (value === undefined || value === '')
          throw new Error(`secret variable ${reference.environment} is not set`);
        return value;
      }
      // Loaded on first use so that functions without Secrets Manager references never pay for it.
      const { getSecret } = await import('@aws-lambda-powertools/parameters/secrets');
      const value = await getSecret(reference.secretsManager, { maxAge: SECRET_CACHE_SECONDS });
      if (typeof value !== 'string' || value === '') throw new Error('secret has no string value');
      return value;
    },
  };
}
