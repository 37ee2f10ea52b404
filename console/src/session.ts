/**
 * The API key of this tab: kept in session storage (gone when the tab closes, never shared with
 * another tab), read by the API client for each request and sent nowhere else.
 */

const STORAGE_KEY = 'invoice-relay.console.apiKey';
const listeners = new Set<() => void>();

export function currentKey(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function signIn(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key);
  for (const listener of listeners) listener();
}

/** `reason`, when given, is shown on the sign-in form (a key refused mid-session). */
export function signOut(reason?: string): void {
  sessionStorage.removeItem(STORAGE_KEY);
  signedOutReason = reason ?? null;
  for (const listener of listeners) listener();
}

let signedOutReason: string | null = null;

/** Why the last session ended, once. */
export function takeSignedOutReason(): string | null {
  const reason = signedOutReason;
  signedOutReason = null;
  return reason;
}

export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
