/**
 * Bounds on a provider record carried as `raw`. The record is the provider's own, so it can be
 * anything the parser accepted: `JSON.parse` reads 100,000 levels of nesting without complaint,
 * and `JSON.stringify` (every response, every log line) then overflows the stack. So a record
 * goes out as `raw` only when it is at most `RAW_MAX_DEPTH` levels deep and at most
 * `RAW_MAX_BYTES` as JSON; the walk that checks it is iterative, whatever the depth.
 */

export const RAW_MAX_DEPTH = 32;
export const RAW_MAX_BYTES = 256 * 1024;

/** Why the record cannot be carried as `raw`, or null when it can. Never quotes the record. */
export function rawRefusal(record: unknown): string | null {
  const stack: Array<[value: unknown, depth: number]> = [[record, 1]];
  // Close to the length of the record's JSON, in UTF-8 bytes (escapes aside).
  let bytes = 0;
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (typeof value === 'string') bytes += Buffer.byteLength(value, 'utf8') + 2;
    else if (value === null || typeof value !== 'object') bytes += String(value).length;
    else {
      if (depth > RAW_MAX_DEPTH) return `nested deeper than ${RAW_MAX_DEPTH} levels`;
      bytes += 2;
      if (Array.isArray(value)) {
        for (const item of value) {
          if (++bytes > RAW_MAX_BYTES) break;
          stack.push([item, depth + 1]);
        }
      } else {
        for (const key of Object.keys(value)) {
          bytes += Buffer.byteLength(key, 'utf8') + 4;
          if (bytes > RAW_MAX_BYTES) break;
          stack.push([(value as Record<string, unknown>)[key], depth + 1]);
        }
      }
    }
    if (bytes > RAW_MAX_BYTES) return `larger than ${RAW_MAX_BYTES / 1024} KiB as JSON`;
  }
  return null;
}
