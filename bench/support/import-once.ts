import { pathToFileURL } from 'node:url';

/**
 * Run in a fresh process by bench/cold-start: imports one bundle (which reads its configuration
 * and builds its clients at module scope, as in a Lambda cold start) and prints how long that took.
 */
const bundle = process.argv[2];
if (bundle === undefined) throw new Error('usage: import-once <bundle.mjs>');
const started = performance.now();
const module = (await import(pathToFileURL(bundle).href)) as { handler?: unknown };
const elapsed = performance.now() - started;
if (typeof module.handler !== 'function') throw new Error(`${bundle} exports no handler`);
process.stdout.write(`${JSON.stringify({ ms: elapsed })}\n`);
