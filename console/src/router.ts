import { useEffect, useState } from 'preact/hooks';

/**
 * Where the console is: the URL's fragment, `#/invoices?status=PAID`, as a path and a query.
 * Fragments never reach a server, so every screen and its filters have a link of their own while
 * the page itself stays `GET /console` (which takes no query).
 */
export interface Place {
  path: string;
  query: URLSearchParams;
}

function currentPlace(): Place {
  const fragment = window.location.hash.replace(/^#/, '');
  const mark = fragment.indexOf('?');
  const path = mark < 0 ? fragment : fragment.slice(0, mark);
  const search = mark < 0 ? '' : fragment.slice(mark + 1);
  return { path: path.startsWith('/') ? path : `/${path}`, query: new URLSearchParams(search) };
}

export function usePlace(): Place {
  const [place, setPlace] = useState(currentPlace);
  useEffect(() => {
    const update = () => setPlace(currentPlace());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return place;
}

/** The link to a screen; query entries without a value are left out. */
export function href(path: string, query: Record<string, string | undefined> = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query))
    if (value !== undefined && value !== '') search.set(name, value);
  const text = search.toString();
  return `#${path}${text === '' ? '' : `?${text}`}`;
}

export function navigate(path: string, query: Record<string, string | undefined> = {}): void {
  window.location.hash = href(path, query);
}

/** The named segments of `path` if it has the shape of `pattern` (`/webhooks/:webhookId`). */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const have = path.split('/');
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (const [index, segment] of want.entries()) {
    const actual = have[index] ?? '';
    if (segment.startsWith(':')) {
      if (actual === '') return null;
      try {
        params[segment.slice(1)] = decodeURIComponent(actual);
      } catch {
        return null;
      }
    } else if (segment !== actual) return null;
  }
  return params;
}
