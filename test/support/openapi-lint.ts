import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPOSITORY_ROOT } from '../../infra/paths.ts';

/**
 * Redocly CLI, the real linter, run on a document with the repository's redocly.yaml (the
 * recommended rules, plus descriptions and examples everywhere). Telemetry and the update check
 * are off: they would try the network.
 */

export interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: Array<{ pointer: string }>;
}

export interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: LintProblem[];
}

const run = promisify(execFile);
const CLI = join(REPOSITORY_ROOT, 'node_modules/@redocly/cli/bin/cli.js');

export async function lintOpenApi(document: unknown): Promise<LintReport> {
  const folder = mkdtempSync(join(tmpdir(), 'invoice-relay-lint-'));
  try {
    const file = join(folder, 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const args = [CLI, 'lint', file, '--config', join(REPOSITORY_ROOT, 'redocly.yaml'), '--format', 'json'];
    const options = {
      cwd: REPOSITORY_ROOT,
      timeout: 60_000,
      maxBuffer: 16 * 1024 * 1024,
      env: {
        ...process.env,
        REDOCLY_TELEMETRY: 'off',
        REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
        NO_COLOR: '1',
      },
    };
    // Redocly exits 1 when it finds errors; the report is on stdout either way.
    const { stdout } = await run(process.execPath, args, options).catch(
      (error: { stdout?: string; stderr?: string }) => {
        if (error.stdout?.trim().startsWith('{')) return { stdout: error.stdout };
        throw new Error(`redocly lint did not report: ${error.stderr ?? String(error)}`);
      },
    );
    return JSON.parse(stdout) as LintReport;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** `rule-id at /json/pointer: message`, one a line, for assertion messages. */
export function describeProblems(report: LintReport): string {
  return report.problems
    .map((problem) => `${problem.ruleId} at ${problem.location[0]?.pointer ?? '?'}: ${problem.message}`)
    .join('\n');
}
