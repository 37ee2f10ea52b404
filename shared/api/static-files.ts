import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { ApiResult } from './api-handler.ts';

/**
 * Files a function serves as they are (the API reference's renderer, the console's build),
 * under content-hashed names so that browsers may keep them for a year. Each is sent gzipped:
 * Lambda answers at most 6 MB, and the renderer alone is 4.9 MB raw (1.4 MB gzipped). Every
 * browser accepts gzip, and RFC 9110 §12.5.3 lets a server use any coding for a request without
 * Accept-Encoding.
 */

/** A file of a package, carried beside the function's bundle. */
export interface PackagedFile {
  /** Its name beside the bundle (gzipped: `<name>.gz`) and, hashed, in URLs. */
  name: string;
  /** Where it is, relative to the repository root (a package's file under node_modules/). */
  source: string;
  contentType: string;
}

/**
 * A folder a build writes (the console's Vite output), carried beside the bundle as
 * `<name>/<path>.gz`, one gzipped file per built file. The build names its files by their
 * content, so they are served under their own names.
 */
export interface BuiltFolder {
  /** Its name beside the bundle. */
  name: string;
  /** Where the build writes it, relative to the repository root. */
  folder: string;
  /** The shell command that builds it, run in the repository root before bundling. */
  build: string;
}

/** What a function's bundle carries beside it: package files and built folders. */
export type BundledFile = PackagedFile | BuiltFolder;

/** A file the function writes itself (a configuration script, say). */
export interface GeneratedFile {
  name: string;
  content: string;
  contentType: string;
}

interface Prepared {
  url: string;
  gzipped: Buffer;
  contentType: string;
}

/** One year, immutable: a changed file gets another name. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Where packaged files are: beside the bundle when bundled (the function construct gzips them
 * there at synth, see functions/catalog.ts `files`), else in node_modules of the repository when
 * the sources run directly (the local runtime, tests), gzipped on first use.
 */
function gzippedFile(file: PackagedFile): Buffer {
  const beside = new URL(`./${file.name}.gz`, import.meta.url);
  if (existsSync(beside)) return readFileSync(beside);
  const source = new URL(`../../${file.source}`, import.meta.url);
  if (!existsSync(source)) throw new Error(`${file.name}: neither ${beside} nor ${source} exists`);
  return gzipSync(readFileSync(source), { level: 9 });
}

/** `scalar.js` + content → `scalar.1a2b3c4d5e6f.js`. */
function hashedName(name: string, content: Buffer): string {
  const hash = createHash('sha256').update(content).digest('hex').slice(0, 12);
  const dot = name.lastIndexOf('.');
  return dot < 0 ? `${name}.${hash}` : `${name.slice(0, dot)}.${hash}${name.slice(dot)}`;
}

export class StaticFiles {
  readonly #prefix: string;
  readonly #files: ReadonlyArray<PackagedFile | GeneratedFile>;
  #prepared: Map<string, Prepared> | undefined;

  /** `prefix` is the URL path the files are under, e.g. `/docs/assets/`. */
  constructor(prefix: string, files: ReadonlyArray<PackagedFile | GeneratedFile>) {
    this.#prefix = prefix;
    this.#files = files;
  }

  /** Read and compressed on first use, then kept: they never change while the function lives. */
  #all(): Map<string, Prepared> {
    if (this.#prepared !== undefined) return this.#prepared;
    const prepared = new Map<string, Prepared>();
    for (const file of this.#files) {
      const content = 'content' in file ? Buffer.from(file.content) : null;
      const gzipped = content === null ? gzippedFile(file as PackagedFile) : gzipSync(content);
      const url = `${this.#prefix}${hashedName(file.name, content ?? gzipped)}`;
      prepared.set(file.name, { url, gzipped, contentType: file.contentType });
    }
    this.#prepared = prepared;
    return prepared;
  }

  /** The absolute URL path of a file, e.g. `/docs/assets/scalar.1a2b3c4d5e6f.js`. */
  pathOf(name: string): string {
    const file = this.#all().get(name);
    if (file === undefined) throw new Error(`no static file ${name}`);
    return file.url;
  }

  /** The answer for a GET of `path`, or null when no file is there. */
  serve(path: string): ApiResult | null {
    if (!path.startsWith(this.#prefix)) return null;
    for (const file of this.#all().values()) {
      if (file.url !== path) continue;
      return {
        status: 200,
        binary: file.gzipped,
        contentType: file.contentType,
        headers: { 'content-encoding': 'gzip', 'cache-control': IMMUTABLE },
      };
    }
    return null;
  }
}

/** By extension; a built folder holds nothing else. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** Paths of the files under `root`, relative and with `/`, leaving out hidden ones (build stamps). */
function filesUnder(root: string, below = ''): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(join(root, below), { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const path = below === '' ? entry.name : `${below}/${entry.name}`;
    if (entry.isDirectory()) found.push(...filesUnder(root, path));
    else if (entry.isFile()) found.push(path);
  }
  return found;
}

/**
 * Where a built folder's files are: gzipped beside the bundle when bundled (the function construct
 * puts them there, see infra/bundling.ts), else as the build wrote them in the repository (the
 * local runtime, tests), gzipped on first use.
 */
function builtFiles(folder: BuiltFolder): Map<string, Buffer> {
  const beside = fileURLToPath(new URL(`./${folder.name}/`, import.meta.url));
  if (existsSync(beside)) {
    return new Map(
      filesUnder(beside)
        .filter((path) => path.endsWith('.gz'))
        .map((path) => [path.slice(0, -'.gz'.length), readFileSync(join(beside, path))]),
    );
  }
  const built = fileURLToPath(new URL(`../../${folder.folder}/`, import.meta.url));
  if (!existsSync(join(built, 'index.html'))) {
    throw new Error(
      `${folder.name}: neither ${beside} nor ${built}index.html exists; build it with \`${folder.build}\``,
    );
  }
  return new Map(
    filesUnder(built).map((path) => [path, gzipSync(readFileSync(join(built, path)), { level: 9 })]),
  );
}

/**
 * A built single-page app under one URL: its `index.html` at `prefix` itself (`/console`,
 * revalidated on every load, so a deployment shows at once), every other file at
 * `prefix/<path>` (content-hashed by the build, so cacheable for a year). Everything is sent
 * gzipped, like StaticFiles.
 */
export class StaticFolder {
  readonly #prefix: string;
  readonly #folder: BuiltFolder;
  #files: Map<string, Buffer> | undefined;

  /** `prefix` is the page's URL path, e.g. `/console`; its files are below `prefix/`. */
  constructor(prefix: string, folder: BuiltFolder) {
    this.#prefix = prefix;
    this.#folder = folder;
  }

  /** Read on first use, then kept: they never change while the function lives. */
  #all(): Map<string, Buffer> {
    this.#files ??= builtFiles(this.#folder);
    return this.#files;
  }

  /** The page itself (GET `prefix`). */
  page(): ApiResult {
    const index = this.#all().get('index.html');
    if (index === undefined) throw new Error(`${this.#folder.name}: the build has no index.html`);
    return {
      status: 200,
      binary: index,
      contentType: CONTENT_TYPES['.html'] as string,
      headers: { 'content-encoding': 'gzip', 'cache-control': 'no-cache' },
    };
  }

  /** The answer for a GET of `path` below `prefix/`, or null when no file is there. */
  serve(path: string): ApiResult | null {
    if (!path.startsWith(`${this.#prefix}/`)) return null;
    const name = path.slice(this.#prefix.length + 1);
    // The page is served at the prefix only: its files' URLs are relative to it.
    if (name === '' || name === 'index.html')
      return { status: 302, headers: { location: `../${this.#prefix.split('/').pop()}` } };
    const file = this.#all().get(name);
    const contentType = CONTENT_TYPES[extname(name)];
    if (file === undefined || contentType === undefined) return null;
    // The build hashes what it writes under assets/; anything else is revalidated.
    const caching = name.startsWith('assets/') ? IMMUTABLE : 'no-cache';
    return {
      status: 200,
      binary: file,
      contentType,
      headers: { 'content-encoding': 'gzip', 'cache-control': caching },
    };
  }
}
