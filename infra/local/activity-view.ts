import { styleText } from 'node:util';
import { type Activity, onActivity } from '../../shared/activity.ts';

/**
 * The terminal view of `npm start`: one readable line per thing a user cares about (see
 * shared/activity.ts), coloured on a terminal and plain when piped (or with NO_COLOR).
 *
 * Every round prints a line (dimmed when it found nothing new, so that changes stand out while
 * the schedule stays visible). Discoveries are counted on their round's line rather than printed
 * one by one (a first start discovers every sandbox invoice), and walk progress prints at most
 * every PROGRESS_EVERY_MS per connection, once a walk has taken that long.
 */

const PROGRESS_EVERY_MS = 2000;

type Style = Parameters<typeof styleText>[0];

export interface ActivityView {
  stop(): void;
}

export function startActivityView(
  write: (line: string) => void,
  options: { colour: boolean; now?: () => number },
): ActivityView {
  const now = options.now ?? Date.now;
  const paint = (style: Style, text: string) =>
    options.colour ? styleText(style, text, { validateStream: false }) : text;
  const lastProgress = new Map<string, number>();
  const clock = () => paint('dim', new Date(now()).toISOString().slice(11, 19));
  const line = (text: string) => write(`${clock()} ${text}`);

  const stop = onActivity((activity: Activity) => {
    switch (activity.kind) {
      case 'round': {
        lastProgress.delete(activity.connection);
        const text = roundLine(activity);
        const news = activity.changed > 0 || activity.quarantined > 0 || activity.gone > 0;
        if (activity.outcome === 'failed') line(paint('red', text));
        else line(news ? text : paint('dim', text));
        return;
      }
      case 'progress': {
        const last = lastProgress.get(activity.connection);
        if (last === undefined) {
          lastProgress.set(activity.connection, now());
          return;
        }
        if (now() - last < PROGRESS_EVERY_MS) return;
        lastProgress.set(activity.connection, now());
        line(
          paint(
            'dim',
            `snapshot ${activity.connection}: walking, ${activity.pages} pages, ${activity.invoices} invoices, ${activity.changed} changed so far`,
          ),
        );
        return;
      }
      case 'event': {
        if (activity.type === 'invoice.discovered') return;
        const change =
          activity.previousStatus === null || activity.previousStatus === activity.status
            ? activity.status
            : `${activity.previousStatus} → ${activity.status}`;
        line(
          `${paint('cyan', `event ${activity.type}`)} ${activity.connection}/${activity.remoteId} ${change}`,
        );
        return;
      }
      case 'quarantined':
        line(
          paint(
            'yellow',
            `skipped a ${activity.connection} record at ${activity.position}${activity.remoteId === null ? '' : ` (id ${activity.remoteId})`}: ${activity.reason}`,
          ),
        );
        return;
      case 'delivery': {
        const answer = activity.statusCode === null ? activity.outcome : String(activity.statusCode);
        const retry = activity.retryInSeconds === null ? '' : `, retry in ${activity.retryInSeconds} s`;
        const text = `webhook ${activity.endpointId} → ${activity.target} ${activity.eventType} attempt ${activity.attempt}: ${answer} in ${Math.round(activity.durationMs)} ms${retry}`;
        line(activity.outcome === 'delivered' ? paint('green', text) : paint('yellow', text));
        return;
      }
    }
  });
  return { stop };
}

function roundLine(round: Extract<Activity, { kind: 'round' }>): string {
  const seconds = `${(round.durationMs / 1000).toFixed(1)} s`;
  if (round.outcome === 'skipped')
    return `snapshot ${round.connection}: skipped (${round.reason ?? 'another run holds it'})`;
  const counts = [
    `${round.invoices} invoices`,
    `${round.changed} changed`,
    `${round.events} events`,
    ...(round.gone > 0 ? [`${round.gone} gone`] : []),
    ...(round.quarantined > 0 ? [`${round.quarantined} skipped`] : []),
  ].join(', ');
  if (round.outcome === 'failed')
    return `snapshot ${round.connection} failed after ${seconds}: ${round.reason}`;
  if (round.outcome === 'continue')
    return `snapshot ${round.connection}: ${counts} so far, continuing (${seconds})`;
  return `snapshot ${round.connection}: ${counts} (${seconds})`;
}
