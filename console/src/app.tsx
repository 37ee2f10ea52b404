import { useEffect, useRef, useState } from 'preact/hooks';
import { api, body } from './api/client.ts';
import { ProblemMessage } from './components/basics.tsx';
import { ConnectionsContext } from './connections-context.ts';
import { useResource } from './hooks/use-resource.ts';
import { href, matchPath, usePlace } from './router.ts';
import { ConnectionsScreen } from './screens/connections.tsx';
import { EventsScreen } from './screens/events.tsx';
import { InvoiceScreen } from './screens/invoice.tsx';
import { InvoicesScreen } from './screens/invoices.tsx';
import { SignIn } from './screens/sign-in.tsx';
import { WebhookScreen } from './screens/webhook.tsx';
import { WebhooksScreen } from './screens/webhooks.tsx';
import { currentKey, onSessionChange, signOut } from './session.ts';

/** The console: the sign-in form until this tab has a key, then the screens it may see. */
export function App() {
  const [key, setKey] = useState(currentKey);
  useEffect(() => onSessionChange(() => setKey(currentKey())), []);
  // A new key is a new session: nothing of the last one's screens survives.
  return key === null ? <SignIn /> : <SignedIn key={key} apiKey={key} />;
}

const SECTIONS = [
  { path: '/connections', label: 'Connections' },
  { path: '/invoices', label: 'Invoices' },
  { path: '/events', label: 'Events' },
  { path: '/webhooks', label: 'Webhooks' },
] as const;

function SignedIn({ apiKey }: { apiKey: string }) {
  const place = usePlace();
  const main = useRef<HTMLElement>(null);
  const connections = useResource((signal) => body(api.GET('/v1/connections', { signal })), []);

  // After a change of screen, reading starts at the screen, not at the last button pressed.
  const section = place.path.split('/')[1] ?? '';
  const previous = useRef(place.path);
  useEffect(() => {
    if (previous.current !== place.path) {
      main.current?.focus({ preventScroll: true });
      window.scrollTo(0, 0);
    }
    previous.current = place.path;
  }, [place.path]);

  return (
    <ConnectionsContext.Provider value={connections.data?.connections ?? []}>
      {/* A button: a link to #main would be a place of the console's own (its screens live in the fragment). */}
      <button type="button" class="skip-link" onClick={() => main.current?.focus()}>
        Skip to content
      </button>
      <header class="top">
        <a class="brand" href={href('/connections')}>
          invoice-relay <span>console</span>
        </a>
        <nav aria-label="Sections">
          <ul>
            {SECTIONS.map((item) => (
              <li key={item.path}>
                <a href={href(item.path)} aria-current={`/${section}` === item.path ? 'page' : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span title="The last characters of the API key this tab uses">key …{apiKey.slice(-4)}</span>
          <button type="button" onClick={() => signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {connections.error !== undefined && connections.error.status !== 403 && (
          <ProblemMessage error={connections.error} action="Reading the connections" />
        )}
        <Screen path={place.path} query={place.query} />
      </main>
    </ConnectionsContext.Provider>
  );
}

function Screen({ path, query }: { path: string; query: URLSearchParams }) {
  if (path === '/' || path === '/connections') return <ConnectionsScreen />;
  if (path === '/invoices') return <InvoicesScreen query={query} />;
  const invoice = matchPath('/invoices/:connection/:invoiceId', path);
  if (invoice !== null) {
    return <InvoiceScreen connection={invoice.connection ?? ''} invoiceId={invoice.invoiceId ?? ''} />;
  }
  if (path === '/events') return <EventsScreen query={query} />;
  if (path === '/webhooks') return <WebhooksScreen />;
  const webhook = matchPath('/webhooks/:webhookId', path);
  if (webhook !== null) return <WebhookScreen webhookId={webhook.webhookId ?? ''} />;
  return (
    <section>
      <h1>Nothing here</h1>
      <p>
        The console has no page at <code>{path}</code>. <a href={href('/connections')}>See the connections</a>
        .
      </p>
    </section>
  );
}
