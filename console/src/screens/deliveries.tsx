import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, body, unwrap } from '../api/client.ts';
import type { DeliveryAttempt } from '../api/types.ts';
import { Badge, ProblemMessage, StatusLine, Time } from '../components/basics.tsx';
import { clockTime } from '../format.ts';
import { useResource } from '../hooks/use-resource.ts';

/**
 * An endpoint's delivery attempts, newest first (`version` changes after each action on the
 * endpoint): the newest page refreshed every 3 s, older pages
 * on request. Cells have fixed widths and long answers are clipped (whole on hover), so rows
 * never move while the log refreshes.
 */
export function Deliveries({ webhookId, version, now }: { webhookId: string; version: number; now: number }) {
  const path = { webhookId };
  const newest = useResource(
    (signal) =>
      body(
        api.GET('/v1/webhooks/{webhookId}/deliveries', { params: { path, query: { limit: 25 } }, signal }),
      ),
    [webhookId],
    { refreshMs: 3_000 },
  );
  // After an action on the endpoint, read again at once, keeping the rows shown meanwhile.
  const { reload } = newest;
  useEffect(() => {
    if (version > 0) reload();
  }, [version, reload]);
  const [older, setOlder] = useState<{ attempts: DeliveryAttempt[]; next: string | null } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [retried, setRetried] = useState<string | null>(null);

  const loadOlder = async () => {
    const cursor = older === null ? newest.data?.next : older.next;
    if (cursor === null || cursor === undefined) return;
    try {
      const page = await body(
        api.GET('/v1/webhooks/{webhookId}/deliveries', { params: { path, query: { limit: 25, cursor } } }),
      );
      setOlder({ attempts: [...(older?.attempts ?? []), ...page.attempts], next: page.next });
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError(0, null, String(caught)));
    }
  };
  const retry = async (attempt: DeliveryAttempt) => {
    setError(null);
    try {
      await unwrap(
        api.POST('/v1/webhooks/{webhookId}/deliveries/{deliveryId}/retry', {
          params: { path: { webhookId, deliveryId: attempt.deliveryId } },
        }),
      );
      setRetried(`Delivery ${attempt.deliveryId} queued again.`);
      newest.reload();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError(0, null, String(caught)));
    }
  };

  const attempts = [...(newest.data?.attempts ?? []), ...(older?.attempts ?? [])];
  const more = older === null ? newest.data?.next : older.next;
  return (
    <>
      <StatusLine>
        {newest.data === undefined
          ? 'Reading…'
          : `${attempts.length} ${attempts.length === 1 ? 'attempt' : 'attempts'} shown · read at ${clockTime(newest.loadedAt ?? Date.now())}, every 3 s`}
        {retried === null ? '' : ` · ${retried}`}
      </StatusLine>
      {newest.error !== undefined && (
        <ProblemMessage error={newest.error} action="Reading the delivery log" />
      )}
      {error !== null && <ProblemMessage error={error} />}
      <div class="table-wrap">
        <table class="deliveries">
          <caption class="visually-hidden">Delivery attempts, newest first</caption>
          <colgroup>
            <col class="w-time" />
            <col class="w-type" />
            <col class="w-attempt" />
            <col class="w-outcome" />
            <col class="w-status" />
            <col class="w-duration" />
            <col class="w-answer" />
            <col class="w-next" />
            <col class="w-retry" />
          </colgroup>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Event</th>
              <th scope="col" class="number">
                Attempt
              </th>
              <th scope="col">Outcome</th>
              <th scope="col" class="number">
                Status
              </th>
              <th scope="col" class="number">
                Duration
              </th>
              <th scope="col">Answer</th>
              <th scope="col">Next retry</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {attempts.length === 0 && (
              <tr>
                <td colSpan={9} class="muted">
                  No delivery yet.
                </td>
              </tr>
            )}
            {attempts.map((attempt) => (
              <tr
                key={`${attempt.deliveryId}-${attempt.attempt}`}
                data-event-type={attempt.eventType}
                data-outcome={attempt.outcome}
              >
                <td>
                  <Time at={attempt.at} now={now} />
                </td>
                <td class="truncate" title={attempt.eventId}>
                  {attempt.eventType}
                </td>
                <td class="number">{attempt.attempt}</td>
                <td>
                  <Badge value={attempt.outcome} />
                </td>
                <td class="number" data-column="status">
                  {attempt.statusCode ?? '—'}
                </td>
                <td class="number">{Math.round(attempt.durationMs)} ms</td>
                <td class="truncate" title={attempt.error ?? attempt.responseExcerpt ?? ''}>
                  {attempt.error ??
                    (attempt.responseExcerpt === null || attempt.responseExcerpt === '' ? (
                      <span class="muted">(empty)</span>
                    ) : (
                      <code>{attempt.responseExcerpt}</code>
                    ))}
                </td>
                <td>{attempt.nextAttemptAt == null ? '—' : <Time at={attempt.nextAttemptAt} now={now} />}</td>
                <td>
                  {attempt.outcome !== 'delivered' && (
                    <button type="button" class="small-button" onClick={() => void retry(attempt)}>
                      Retry<span class="visually-hidden"> delivery {attempt.deliveryId}</span>
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {more != null && (
        <button type="button" onClick={() => void loadOlder()}>
          Older attempts
        </button>
      )}
    </>
  );
}
