import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, body } from '../api/client.ts';
import type { EventType, InvoiceEvent } from '../api/types.ts';

/**
 * The event log, followed live the way the API asks clients to: read with `after` = the last
 * answer's `next`; while `caughtUp` is false more is waiting, so ask again at once (a bounded
 * burst), else wait `pollMs` and ask again. Only the newest `keep` events are kept for display;
 * the count of everything read is kept beside them.
 */
export interface EventLog {
  /** Newest first. */
  events: InvoiceEvent[];
  read: number;
  caughtUp: boolean;
  lastPollAt: number | null;
  error: ApiError | null;
}

const PAGE = 500;
const BURST = 20;

export function useEventLog(
  filter: { type: EventType | undefined; connection: string | undefined },
  options: { paused: boolean; pollMs?: number; keep?: number },
): EventLog {
  const pollMs = options.pollMs ?? 2_000;
  const keep = options.keep ?? 300;
  const [log, setLog] = useState<EventLog>({
    events: [],
    read: 0,
    caughtUp: false,
    lastPollAt: null,
    error: null,
  });
  // Where reading stands for this filter: kept across a pause, dropped with the filter.
  const [cursor, setCursor] = useState<{ key: string; after: string | undefined }>({
    key: '',
    after: undefined,
  });
  const key = `${filter.type ?? ''}|${filter.connection ?? ''}`;

  useEffect(() => {
    if (cursor.key !== key) {
      setCursor({ key, after: undefined });
      setLog({ events: [], read: 0, caughtUp: false, lastPollAt: null, error: null });
    }
  }, [key, cursor.key]);

  useEffect(() => {
    if (options.paused || cursor.key !== key) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let after = cursor.after;
    const poll = async () => {
      try {
        for (let call = 0; call < BURST; call++) {
          const page = await body(
            api.GET('/v1/events', {
              params: {
                query: {
                  limit: PAGE,
                  ...(after === undefined ? {} : { after }),
                  ...(filter.type === undefined ? {} : { type: filter.type }),
                  ...(filter.connection === undefined ? {} : { connection: filter.connection }),
                },
              },
              signal: controller.signal,
            }),
          );
          after = page.next;
          const fresh = [...page.events].reverse();
          setLog((last) => ({
            events: fresh.length === 0 ? last.events : [...fresh, ...last.events].slice(0, keep),
            read: last.read + page.events.length,
            caughtUp: page.caughtUp,
            lastPollAt: Date.now(),
            error: null,
          }));
          if (page.caughtUp) break;
        }
        timer = setTimeout(poll, pollMs);
      } catch (caught) {
        if (controller.signal.aborted) return;
        setLog((last) => ({
          ...last,
          error: caught instanceof ApiError ? caught : new ApiError(0, null, String(caught)),
        }));
        timer = setTimeout(poll, pollMs * 3);
      }
    };
    void poll();
    return () => {
      controller.abort();
      clearTimeout(timer);
      // Resume from here after a pause.
      setCursor((last) => (last.key === key ? { key, after } : last));
    };
  }, [key, cursor.key, options.paused, pollMs, keep, filter.type, filter.connection]);

  return log;
}
