import { useState } from 'preact/hooks';
import { ApiError, api, body } from '../api/client.ts';
import type { Webhook } from '../api/types.ts';
import { Badge, ProblemMessage, SecretPanel, StatusLine, Time } from '../components/basics.tsx';
import { useNow } from '../hooks/use-now.ts';
import { useResource } from '../hooks/use-resource.ts';
import { href } from '../router.ts';
import { describeFilter, type EndpointFields, EndpointForm } from './webhook-form.tsx';

/**
 * The webhook portal: the endpoints this key may see (those of its tenant whose connections its
 * grant covers), and registering a new one, whose signing secret is shown this once.
 */
export function WebhooksScreen() {
  const now = useNow();
  const webhooks = useResource((signal) => body(api.GET('/v1/webhooks', { signal })), [], {
    refreshMs: 10_000,
  });
  const [created, setCreated] = useState<{ webhook: Webhook; secret: string } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [formKey, setFormKey] = useState(0);

  const register = async (fields: EndpointFields) => {
    setError(null);
    try {
      const { secret, ...webhook } = await body(
        api.POST('/v1/webhooks', {
          body: {
            url: fields.url,
            filter: fields.filter,
            ...(fields.description === '' ? {} : { description: fields.description }),
          },
        }),
      );
      setCreated({ webhook, secret });
      setFormKey(formKey + 1);
      webhooks.reload();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError(0, null, String(caught)));
    }
  };

  const list = webhooks.data?.webhooks ?? [];
  return (
    <section aria-labelledby="webhooks-title">
      <h1 id="webhooks-title">Webhooks</h1>
      <p class="lead">
        Endpoints that receive invoice events as signed POSTs (Standard Webhooks), retried with backoff, with
        a delivery log.
      </p>
      {created !== null && (
        <SecretPanel
          secret={created.secret}
          title={`Signing secret of ${created.webhook.url}`}
          onDone={() => setCreated(null)}
        >
          <p>
            Verify each delivery with it, e.g.{' '}
            <code>npx invoice-relay listen --secret-file &lt;file&gt;</code>, or the{' '}
            <code>standardwebhooks</code> package.{' '}
            <a href={href(`/webhooks/${created.webhook.id}`)}>Open the endpoint</a>.
          </p>
        </SecretPanel>
      )}
      <h2>Endpoints</h2>
      <StatusLine>
        {webhooks.data === undefined
          ? 'Reading…'
          : `${list.length} ${list.length === 1 ? 'endpoint' : 'endpoints'}`}
      </StatusLine>
      {webhooks.error !== undefined && (
        <ProblemMessage error={webhooks.error} action="Reading the endpoints" />
      )}
      {list.length > 0 && (
        <div class="table-wrap">
          <table class="webhooks">
            <caption class="visually-hidden">Webhook endpoints</caption>
            <colgroup>
              <col />
              <col class="c-receives" />
              <col class="c-state" />
              <col class="c-changed" />
            </colgroup>
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">Receives</th>
                <th scope="col">State</th>
                <th scope="col">Registered</th>
              </tr>
            </thead>
            <tbody>
              {list.map((webhook) => (
                <tr key={webhook.id} data-webhook={webhook.id}>
                  <th scope="row">
                    <a href={href(`/webhooks/${webhook.id}`)} class="break">
                      {webhook.url}
                    </a>
                    {webhook.description !== null && <div class="small muted">{webhook.description}</div>}
                  </th>
                  <td>
                    {describeFilter(webhook.filter)}
                    <div class="small muted">
                      connections: {webhook.connections === '*' ? 'all' : webhook.connections.join(', ')}
                    </div>
                  </td>
                  <td>
                    {webhook.enabled ? <Badge value="enabled" /> : <Badge value="disabled" />}
                    {webhook.disabledReason !== null && <div class="small">{webhook.disabledReason}</div>}
                  </td>
                  <td>
                    <Time at={webhook.createdAt} now={now} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2 id="register-title">Register an endpoint</h2>
      {error !== null && <ProblemMessage error={error} action="Registering" />}
      <EndpointForm
        key={formKey}
        idPrefix="new-endpoint"
        initial={{ url: '', description: '', filter: {} }}
        submitLabel="Register endpoint"
        onSubmit={register}
      />
    </section>
  );
}
