import { useState } from 'preact/hooks';
import { ApiError, api, unwrap } from '../api/client.ts';
import { ProblemMessage } from '../components/basics.tsx';
import { signIn, takeSignedOutReason } from '../session.ts';

/**
 * Sign in by pasting an API key. It is checked with GET /v1/connections before it is kept: an
 * unknown or revoked key is refused here; a key without `invoices:read` is kept (its other
 * scopes may still allow something) and each screen says what it lacks.
 */
export function SignIn() {
  const [key, setKey] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [checking, setChecking] = useState(false);
  const [reason] = useState(takeSignedOutReason);

  const submit = async (event: Event) => {
    event.preventDefault();
    const candidate = key.trim();
    if (candidate === '') return;
    setChecking(true);
    setError(null);
    try {
      await unwrap(api.GET('/v1/connections', { headers: { authorization: `Bearer ${candidate}` } }));
      signIn(candidate);
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 403) {
        signIn(candidate);
        return;
      }
      setError(caught instanceof ApiError ? caught : new ApiError(0, null, String(caught)));
      setChecking(false);
    }
  };

  return (
    <main id="main" class="sign-in">
      <h1>
        invoice-relay <span>console</span>
      </h1>
      <form onSubmit={submit} aria-describedby="sign-in-help">
        <label for="api-key">API key</label>
        <input
          id="api-key"
          class="key-input"
          name="api-key"
          type="password"
          autoComplete="off"
          spellcheck={false}
          required
          value={key}
          onInput={(event) => setKey(event.currentTarget.value)}
        />
        <p id="sign-in-help" class="help">
          Paste a key (<code>ir_…</code>): <code>npm start</code> prints one,{' '}
          <code>npx invoice-relay keys create</code> makes others. It stays in this tab only, and is sent only
          to this API as <code>Authorization: Bearer</code>.
        </p>
        <button type="submit" class="primary" disabled={checking}>
          {checking ? 'Checking…' : 'Sign in'}
        </button>
      </form>
      {reason !== null && (
        <p class="problem" role="alert">
          {reason}
        </p>
      )}
      {error !== null && (
        <ProblemMessage
          error={
            error.status === 401 ? new ApiError(401, error.problem, 'This key is unknown or revoked.') : error
          }
          action="Signing in"
        />
      )}
      <p class="help">
        The API reference is at <a href="docs">/docs</a>.
      </p>
    </main>
  );
}
