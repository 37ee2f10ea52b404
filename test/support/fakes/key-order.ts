/**
 * How DynamoDB orders string sort keys: by their UTF-8 bytes. JavaScript's `<` compares UTF-16
 * code units, which disagrees for characters beyond the Basic Multilingual Plane, so the fakes
 * sort with this instead.
 */
export function byKey(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** An RFC 3339 UTC text of an epoch-millisecond reading, as the stores write it. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
