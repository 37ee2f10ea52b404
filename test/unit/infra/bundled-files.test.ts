import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { bundledBuildCommands, bundledFileCommands } from '../../../infra/bundling.ts';
import type { BuiltFolder, PackagedFile } from '../../../shared/api/static-files.ts';

/**
 * The commands the stack runs around bundling a function that serves files, run here on a
 * repository and an asset folder of their own: package files and built folders land gzipped
 * beside the bundle, hidden files stay behind, and an unbuilt folder fails the synth.
 */

let root: string;
let input: string;
let output: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'invoice-relay-bundled-files-'));
  input = join(root, 'repository');
  output = join(root, 'asset');
  mkdirSync(output, { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const run = (commands: string[]) =>
  execFileSync('bash', ['-c', commands.join(' && ')], { encoding: 'utf8', stdio: 'pipe', timeout: 30_000 });

function write(path: string, content: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
}

const folder: BuiltFolder = {
  name: 'app',
  folder: 'app/dist',
  build: 'echo built > app/dist/built-by-command.txt',
};
const file: PackagedFile = {
  name: 'renderer.js',
  source: 'node_modules/renderer/index.js',
  contentType: 'text/javascript',
};

describe('files carried beside a bundle', () => {
  test('a built folder lands file by file, gzipped under its name, without its hidden files', () => {
    write(join(input, 'app/dist/index.html'), '<!doctype html>');
    write(join(input, 'app/dist/assets/index-abc123.js'), 'console.log(1)');
    write(join(input, 'app/dist/.source-hash'), 'f00d');
    write(join(input, file.source), 'renderer');

    run(bundledFileCommands([file, folder], input, output));

    const read = (path: string) => gunzipSync(readFileSync(join(output, path))).toString('utf8');
    expect(read('renderer.js.gz')).toBe('renderer');
    expect(read('app/index.html.gz')).toBe('<!doctype html>');
    expect(read('app/assets/index-abc123.js.gz')).toBe('console.log(1)');
    expect(existsSync(join(output, 'app/.source-hash.gz'))).toBe(false);
  });

  test('a folder that was never built fails the step, saying how to build it', () => {
    expect(() => run(bundledFileCommands([folder], input, output))).toThrow(
      /app\/dist is not built: run echo built/,
    );
  });

  test('the build commands run each folder’s build in the repository, and only for folders', () => {
    mkdirSync(join(input, 'app/dist'), { recursive: true });
    const commands = bundledBuildCommands([file, folder], input);
    expect(commands).toHaveLength(1);
    run(commands);
    expect(readFileSync(join(input, 'app/dist/built-by-command.txt'), 'utf8')).toBe('built\n');
  });
});
