/**
 * Side-by-side timing for a noisy shared machine: baseline and candidate run alternately in the
 * same process, many samples each, and only medians are reported.
 */

export interface Comparison {
  baselineMs: number;
  candidateMs: number;
  ratio: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Runs `baseline` and `candidate` alternately; each sample is the mean of `iterations` calls. */
export function compareSync(
  baseline: () => unknown,
  candidate: () => unknown,
  { samples = 31, iterations = 3, warmup = 5 } = {},
): Comparison {
  for (let i = 0; i < warmup; i++) {
    baseline();
    candidate();
  }
  const base: number[] = [];
  const cand: number[] = [];
  for (let sample = 0; sample < samples; sample++) {
    base.push(time(baseline, iterations));
    cand.push(time(candidate, iterations));
  }
  const baselineMs = median(base);
  const candidateMs = median(cand);
  return { baselineMs, candidateMs, ratio: candidateMs / baselineMs };
}

function time(run: () => unknown, iterations: number): number {
  const started = performance.now();
  for (let i = 0; i < iterations; i++) run();
  return (performance.now() - started) / iterations;
}

/** A fixed-width table for the terminal. */
export function table(rows: ReadonlyArray<Record<string, string | number>>): string {
  const first = rows[0];
  if (first === undefined) return '';
  const columns = Object.keys(first);
  const widths = columns.map((column) =>
    Math.max(column.length, ...rows.map((row) => String(row[column]).length)),
  );
  const line = (cells: string[]) => cells.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join('  ');
  return [
    line(columns),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map((row) => line(columns.map((c) => String(row[c])))),
  ].join('\n');
}
