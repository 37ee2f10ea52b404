import type { ComponentChildren } from 'preact';
import { useId, useState } from 'preact/hooks';
import type { ApiError } from '../api/client.ts';
import { absoluteTime, relativeTime } from '../format.ts';

/** Small pieces every screen uses. */

/** An API problem as a person reads it: what went wrong, what to fix, and the parameter it names. */
export function ProblemMessage({ error, action }: { error: ApiError; action?: string }) {
  const { problem } = error;
  return (
    <div class="problem" role="alert">
      <strong>
        {action === undefined ? (problem?.title ?? 'Failed') : `${action} failed: ${problem?.title ?? ''}`}
      </strong>{' '}
      {error.message}
      {problem?.parameter !== undefined && !error.message.includes(problem.parameter) && (
        <>
          {' '}
          (parameter <code>{problem.parameter}</code>)
        </>
      )}
      {error.status === 403 && <> This key lacks the scope; ask for a key that has it.</>}
    </div>
  );
}

/** A status, in words (colour only repeats them). */
export function Badge({ value, kind }: { value: string; kind?: string }) {
  const tone = (kind ?? value).toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return <span class={`badge badge-${tone}`}>{value}</span>;
}

export function Time({ at, now }: { at: string | null | undefined; now: number }) {
  if (at === null || at === undefined) return <span class="muted">—</span>;
  return (
    <time dateTime={at} title={`${absoluteTime(at)} (${at})`}>
      {/* `now` ticks every few seconds; what just arrived is never "in 3 s". */}
      {relativeTime(at, Math.max(now, Date.now()))}
    </time>
  );
}

export function JsonBlock({ value, label }: { value: unknown; label: string }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a region that scrolls must take focus, so that the keyboard can scroll it (WCAG 2.1.1; axe's scrollable-region-focusable)
    <section class="json" aria-label={label} tabIndex={0}>
      <pre>
        <code>{JSON.stringify(value, null, 2)}</code>
      </pre>
    </section>
  );
}

/** Copies `text`; says so where a screen reader hears it. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  };
  return (
    <span class="copy">
      <button type="button" onClick={copy}>
        {label}
      </button>
      <span class="copy-state" aria-live="polite">
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed: select the text and copy it' : ''}
      </span>
    </span>
  );
}

/** A once-shown secret, with its copy button and what to do with it. */
export function SecretPanel({
  secret,
  title,
  children,
  onDone,
}: {
  secret: string;
  title: string;
  children?: ComponentChildren;
  onDone: () => void;
}) {
  const titleId = useId();
  return (
    <section class="secret" aria-labelledby={titleId}>
      <h3 id={titleId}>{title}</h3>
      <p>Shown this once: store it now where your receiver reads it. It cannot be shown again.</p>
      <p class="secret-value">
        <code data-testid="webhook-secret">{secret}</code>
        <CopyButton text={secret} label="Copy secret" />
      </p>
      {children}
      <button type="button" onClick={onDone}>
        I have stored it
      </button>
    </section>
  );
}

/** Where a screen says how its data stands, always the same height so that nothing moves. */
export function StatusLine({ children }: { children: ComponentChildren }) {
  return (
    <p class="status-line" aria-live="polite">
      {children}
    </p>
  );
}
