import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The console's build: Preact's JSX through Vite's own transform (no plugin needed), one
 * content-hashed script and stylesheet under assets/, nothing inline (the docs function's CSP
 * allows only same-origin scripts), no public folder (every file but index.html is hashed).
 *
 * The page is served at `<API root>/console` (no trailing slash), so the HTML names its files
 * `console/assets/…`, relative to the page: a base path in front of the API keeps working. Files
 * that name each other (a stylesheet's fonts) do so relative to themselves.
 *
 * `npm run console:dev` serves the sources with live reload at http://127.0.0.1:5173, passing the
 * API and the sandboxes through to a running `npm start` (CONSOLE_API, default
 * http://127.0.0.1:3000).
 */

const api = process.env.CONSOLE_API ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // Below this, Vite inlines assets as data: URLs; the CSP allows them for images and fonts only.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  experimental: {
    renderBuiltUrl: (filename, { hostType }) =>
      hostType === 'html' ? `console/${filename}` : { relative: true },
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: { '/v1': api, '/sandbox': api, '/openapi.json': api },
  },
});
