/**
 * Canonical invoice ids: `inv_` + base64url("<namespace>:<remoteId>"), where the namespace is the
 * connection id (or the provider id outside a connection). Callers treat them as opaque; being
 * reversible lets the API accept either this id or the provider's own id in a path.
 */

const PREFIX = 'inv_';

export function invoiceId(namespace: string, remoteId: string): string {
  return asciiInvoiceId(namespace, remoteId) ?? referenceInvoiceId(namespace, remoteId);
}

/** The definition itself, through Buffer: the reference the fast encoder is tested against. */
export function referenceInvoiceId(namespace: string, remoteId: string): string {
  return PREFIX + Buffer.from(`${namespace}:${remoteId}`, 'utf8').toString('base64url');
}

/**
 * Every page normalizes thousands of ids, and through Buffer each costs about as much as reading
 * the invoice itself (two copies across the C++ boundary, of a string built for the purpose). Ids
 * are almost always ASCII, where UTF-8 is one byte per character, so the encoder below reads the
 * remote id's characters directly, continues from the namespace's encoding (computed once), and
 * writes every output character into one reused buffer. Anything not ASCII goes through Buffer.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const DIGITS = Uint8Array.from(ALPHABET, (character) => character.charCodeAt(0));
const output = Buffer.alloc(1024);

/** A namespace's part of the encoding: its whole 3-byte groups encoded, and the bytes left over. */
interface Head {
  text: string;
  carry: readonly number[];
}

const heads = new Map<string, Head>();
/** The head whose text the output buffer starts with. */
let written: Head | null = null;

function headOf(namespace: string): Head {
  let head = heads.get(namespace);
  if (head === undefined) {
    const bytes = Buffer.from(`${namespace}:`, 'utf8');
    const whole = bytes.length - (bytes.length % 3);
    head = {
      text: PREFIX + bytes.subarray(0, whole).toString('base64url'),
      carry: [...bytes.subarray(whole)],
    };
    if (heads.size >= 1000) heads.clear();
    heads.set(namespace, head);
  }
  return head;
}

/** Every pair of output characters, for short ids: a few concatenations beat a call into C++. */
const PAIRS = Array.from({ length: 4096 }, (_, pair) => `${ALPHABET[pair >> 6]}${ALPHABET[pair & 63]}`);
const SHORT = 16;

function asciiInvoiceId(namespace: string, remoteId: string): string | null {
  const head = headOf(namespace);
  if (remoteId.length <= SHORT) return shortInvoiceId(head, remoteId);
  const start = head.text.length;
  if (start + Math.ceil((remoteId.length + 2) / 3) * 4 > output.length) return null;
  if (written !== head) {
    output.write(head.text, 0, 'latin1');
    written = head;
  }
  const { carry } = head;
  const length = remoteId.length;
  let at = start;
  let ascii = 0;
  // The namespace's leftover bytes and the id's first characters make the first group.
  let index = 3 - carry.length;
  if (carry.length > 0) {
    if (length < index) return null;
    const second = carry.length === 2 ? (carry[1] as number) : remoteId.charCodeAt(0);
    const third = remoteId.charCodeAt(index - 1);
    ascii |= second | third;
    at = writeGroup(at, ((carry[0] as number) << 16) | (second << 8) | third);
  } else index = 0;
  for (; index + 2 < length; index += 3) {
    const first = remoteId.charCodeAt(index);
    const second = remoteId.charCodeAt(index + 1);
    const third = remoteId.charCodeAt(index + 2);
    ascii |= first | second | third;
    at = writeGroup(at, (first << 16) | (second << 8) | third);
  }
  // base64url without padding: one leftover byte is two characters, two are three.
  const left = length - index;
  if (left > 0) {
    const first = remoteId.charCodeAt(index);
    const second = left === 2 ? remoteId.charCodeAt(index + 1) : 0;
    ascii |= first | second;
    const group = (first << 16) | (second << 8);
    output[at++] = DIGITS[group >> 18] as number;
    output[at++] = DIGITS[(group >> 12) & 63] as number;
    if (left === 2) output[at++] = DIGITS[(group >> 6) & 63] as number;
  }
  // A character beyond ASCII is more than one byte in UTF-8: Buffer encodes those ids.
  if (ascii > 127) return null;
  return output.toString('latin1', 0, at);
}

/** The same encoding as `asciiInvoiceId`, written as strings. */
function shortInvoiceId(head: Head, remoteId: string): string | null {
  const { carry } = head;
  const length = remoteId.length;
  let text = head.text;
  let ascii = 0;
  let index = 3 - carry.length;
  if (carry.length > 0) {
    if (length < index) return null;
    const second = carry.length === 2 ? (carry[1] as number) : remoteId.charCodeAt(0);
    const third = remoteId.charCodeAt(index - 1);
    ascii |= second | third;
    const group = ((carry[0] as number) << 16) | (second << 8) | third;
    text += `${PAIRS[group >> 12]}${PAIRS[group & 4095]}`;
  } else index = 0;
  for (; index + 2 < length; index += 3) {
    const first = remoteId.charCodeAt(index);
    const second = remoteId.charCodeAt(index + 1);
    const third = remoteId.charCodeAt(index + 2);
    ascii |= first | second | third;
    const group = (first << 16) | (second << 8) | third;
    text += `${PAIRS[group >> 12]}${PAIRS[group & 4095]}`;
  }
  const left = length - index;
  if (left > 0) {
    const first = remoteId.charCodeAt(index);
    const second = left === 2 ? remoteId.charCodeAt(index + 1) : 0;
    ascii |= first | second;
    const group = (first << 16) | (second << 8);
    text += left === 2 ? `${PAIRS[group >> 12]}${ALPHABET[(group >> 6) & 63]}` : PAIRS[group >> 12];
  }
  return ascii > 127 ? null : text;
}

function writeGroup(at: number, group: number): number {
  output[at] = DIGITS[group >> 18] as number;
  output[at + 1] = DIGITS[(group >> 12) & 63] as number;
  output[at + 2] = DIGITS[(group >> 6) & 63] as number;
  output[at + 3] = DIGITS[group & 63] as number;
  return at + 4;
}

/** The remote id behind a canonical id of this namespace, or null when it is not one. */
export function remoteIdFromInvoiceId(namespace: string, id: string): string | null {
  if (!id.startsWith(PREFIX)) return null;
  const encoded = id.slice(PREFIX.length);
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) return null;
  const decoded = Buffer.from(encoded, 'base64url').toString('utf8');
  // Only an exact round trip counts, so that near-miss strings are never taken for ids.
  if (Buffer.from(decoded, 'utf8').toString('base64url') !== encoded) return null;
  const prefix = `${namespace}:`;
  return decoded.startsWith(prefix) && decoded.length > prefix.length ? decoded.slice(prefix.length) : null;
}
