import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { ApiResult } from './api-handler.ts';

/**
 * Files a function serves as they are (the API reference's renderer; the console's build later),
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
