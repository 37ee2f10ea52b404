import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/client.ts';

/**
 * Data loaded for a screen: what the last load gave (kept while the next one runs, so nothing
 * blinks or moves while a screen refreshes), its error, and a way to load again. With
 * `refreshMs` it loads again that long after each load ends, while the tab is visible.
 */
export interface Resource<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  /** When the last load ended (ms since the epoch), whatever its outcome. */
  loadedAt: number | null;
  reload(): void;
}

export function useResource<T>(
  load: (signal: AbortSignal) => Promise<T>,
  dependencies: readonly unknown[],
  options: { refreshMs?: number } = {},
): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [loadedAt, setLoadedAt] = useState<number | null>(null);
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const keyRef = useRef<readonly unknown[]>(dependencies);

  useEffect(() => {
    // New dependencies mean other data: forget the old, so it is never shown as this one's.
    if (!sameDependencies(keyRef.current, dependencies)) {
      keyRef.current = dependencies;
      setData(undefined);
      setError(undefined);
    }
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      setLoading(true);
      try {
        const value = await loadRef.current(controller.signal);
        if (controller.signal.aborted) return;
        setData(value);
        setError(undefined);
      } catch (caught) {
        if (controller.signal.aborted) return;
        setError(caught instanceof ApiError ? caught : new ApiError(0, null, String(caught)));
      }
      setLoading(false);
      setLoadedAt(Date.now());
      if (options.refreshMs !== undefined) {
        timer = setTimeout(function again() {
          if (document.hidden) timer = setTimeout(again, options.refreshMs);
          else void run();
        }, options.refreshMs);
      }
    };
    void run();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [...dependencies, generation, options.refreshMs]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { data, error, loading, loadedAt, reload };
}

function sameDependencies(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((value, index) => Object.is(value, b[index]));
}
