import type { SecretReference } from './references.ts';

/**
 * Secrets, where their references say: Secrets Manager in deployed stages (fetched through
 * Powertools Parameters and cached for `SECRET_CACHE_SECONDS`), an environment variable for the
 * local runtime. Stage configuration refuses `environment` outside local use (see infra/).
 */

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
