import { useState } from 'preact/hooks';
import { ApiError, api, body, unwrap } from '../api/client.ts';
import { Badge, ProblemMessage, SecretPanel, Time } from '../components/basics.tsx';
import { absoluteTime, localToRfc3339 } from '../format.ts';
import { useNow } from '../hooks/use-now.ts';
import { useResource } from '../hooks/use-resource.ts';
import { href, navigate } from '../router.ts';
import { Deliveries } from './deliveries.tsx';
import { describeFilter, type EndpointFields, EndpointForm } from './webhook-form.tsx';

/**
 * One endpoint: its state, a test event, its secret's rotation, edits, enabling and disabling,
 * deletion, re-sending everything since a time, and its delivery log.
 */
export function WebhookScreen({ webhookId }: { webhookId: string }) {
  const now = useNow();
  const path = { webhookId };
  const webhook = useResource(
    (signal) => body(api.GET('/v1/webhooks/{webhookId}', { params: { path }, signal })),
    [webhookId],
  );
  const [outcome, setOutcome] = useState<string | null>(null);
  const [error, setError] = useState<{ error: ApiError; attempt: string } | null>(null);
  const [rotated, setRotated] = useState<{ secret: string; until: string } | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [since, setSince] = useState('');
  const [deliveriesVersion, setDeliveriesVersion] = useState(0);

  /** Runs one of the endpoint's actions; `attempt` names it if it fails, `done` says it worked. */
  const act = async (attempt: string, done: string, action: () => Promise<unknown>) => {
    setError(null);
    setOutcome(null);
    try {
      await action();
      setOutcome(done);
      webhook.reload();
      setDeliveriesVersion((version) => version + 1);
    } catch (caught) {
      setError({
        error: caught instanceof ApiError ? caught : new ApiError(0, null, String(caught)),
        attempt,
      });
    }
  };

  if (webhook.data === undefined) {
    return (
      <section aria-labelledby="webhook-title">
        <p class="crumbs">
          <a href={href('/webhooks')}>Webhooks</a>
        </p>
        <h1 id="webhook-title">Endpoint {webhookId}</h1>
        {webhook.error === undefined ? (
          <p class="muted">Reading…</p>
        ) : (
          <ProblemMessage error={webhook.error} />
        )}
      </section>
    );
  }
  const endpoint = webhook.data;

  const save = (fields: EndpointFields) =>
    act('Saving', 'Saved.', () =>
      unwrap(
        api.PATCH('/v1/webhooks/{webhookId}', {
          params: { path },
          body: { url: fields.url, filter: fields.filter, description: fields.description },
        }),
      ),
    );

  return (
    <section aria-labelledby="webhook-title">
      <p class="crumbs">
        <a href={href('/webhooks')}>Webhooks</a>
      </p>
      <h1 id="webhook-title" class="break">
        {endpoint.url} {endpoint.enabled ? <Badge value="enabled" /> : <Badge value="disabled" />}
      </h1>
      <dl class="facts">
        <div>
          <dt>Id</dt>
          <dd>
            <code>{endpoint.id}</code>
          </dd>
        </div>
        <div>
          <dt>Description</dt>
          <dd>{endpoint.description ?? <span class="muted">none</span>}</dd>
        </div>
        <div>
          <dt>Receives</dt>
          <dd>{describeFilter(endpoint.filter)}</dd>
        </div>
        <div>
          <dt>Connections</dt>
          <dd>{endpoint.connections === '*' ? 'all' : endpoint.connections.join(', ')}</dd>
        </div>
        <div>
          <dt>Updated</dt>
          <dd>
            <Time at={endpoint.updatedAt} now={now} />
          </dd>
        </div>
        {endpoint.disabledReason !== null && (
          <div>
            <dt>Disabled because</dt>
            <dd>{endpoint.disabledReason}</dd>
          </div>
        )}
      </dl>
      <div class="actions toolbar">
        <button
          type="button"
          class="primary"
          onClick={() =>
            act('Sending the test event', 'Test event queued: watch the delivery log.', () =>
              unwrap(api.POST('/v1/webhooks/{webhookId}/test', { params: { path } })),
            )
          }
        >
          Send test event
        </button>
        <button
          type="button"
          onClick={() =>
            act(
              endpoint.enabled ? 'Disabling' : 'Enabling',
              endpoint.enabled ? 'Disabled: nothing is delivered until it is enabled.' : 'Enabled.',
              () =>
                unwrap(
                  api.PATCH('/v1/webhooks/{webhookId}', {
                    params: { path },
                    body: { enabled: !endpoint.enabled },
                  }),
                ),
            )
          }
        >
          {endpoint.enabled ? 'Disable' : 'Enable'}
        </button>
        <button
          type="button"
          onClick={() =>
            act('Rotating the secret', 'Secret rotated.', async () => {
              const answer = await body(
                api.POST('/v1/webhooks/{webhookId}/rotate-secret', { params: { path } }),
              );
              setRotated({ secret: answer.secret, until: answer.previousSecretValidUntil });
            })
          }
        >
          Rotate secret
        </button>
        {confirmDelete ? (
          <>
            <button
              type="button"
              class="danger"
              onClick={() =>
                act('Deleting', 'Deleted.', async () => {
                  await unwrap(api.DELETE('/v1/webhooks/{webhookId}', { params: { path } }));
                  navigate('/webhooks');
                })
              }
            >
              Really delete
            </button>
            <button type="button" onClick={() => setConfirmDelete(false)}>
              Keep it
            </button>
          </>
        ) : (
          <button type="button" class="danger" onClick={() => setConfirmDelete(true)}>
            Delete…
          </button>
        )}
      </div>
      <p class="outcome" aria-live="polite">
        {outcome}
      </p>
      {error !== null && <ProblemMessage error={error.error} action={error.attempt} />}
      {rotated !== null && (
        <SecretPanel secret={rotated.secret} title="The new signing secret" onDone={() => setRotated(null)}>
          <p>
            Deliveries are signed with it and, until {absoluteTime(rotated.until)}, with each secret it
            replaced: switch your receiver before then.
          </p>
        </SecretPanel>
      )}
      <h2 id="deliveries-title">Delivery log</h2>
      <Deliveries webhookId={webhookId} version={deliveriesVersion} now={now} />
      <h2>Recover</h2>
      <form
        class="inline"
        onSubmit={(event) => {
          event.preventDefault();
          const from = localToRfc3339(since);
          if (from === undefined) return;
          void act('Recovering', 'Recovery queued: every matching event since then is sent again.', () =>
            unwrap(api.POST('/v1/webhooks/{webhookId}/recover', { params: { path }, body: { since: from } })),
          );
        }}
      >
        <label for="recover-since">Re-send every matching event since (your time zone)</label>
        <input
          id="recover-since"
          type="datetime-local"
          step={1}
          required
          value={since}
          onInput={(event) => setSince(event.currentTarget.value)}
        />
        <button type="submit">Recover</button>
      </form>
      <h2>Edit</h2>
      <EndpointForm
        key={endpoint.updatedAt}
        idPrefix="edit-endpoint"
        initial={{ url: endpoint.url, description: endpoint.description ?? '', filter: endpoint.filter }}
        submitLabel="Save changes"
        onSubmit={save}
      />
    </section>
  );
}
