/**
 * DynamoDB's item size, as it counts it against its 400 KB limit (409,600 bytes), for items in
 * the shape the document client writes them (strings, numbers, booleans, null, arrays, plain
 * objects, Sets, Uint8Arrays; `undefined` attributes left out, as `removeUndefinedValues` does).
 *
 * The rules (developer guide, "Item sizes and formats"): each attribute's name in UTF-8 bytes
 * plus its value — a string in UTF-8 bytes; a number one byte per two significant digits plus
 * one (DynamoDB stores base 100); binary its length; a boolean or null one byte; a list or map
 * 3 bytes plus 1 per element (a map's element also counts its name); a set the sum of its
 * members. The number rule is the exact one the local DynamoDB (dynalite) uses, so the two agree
 * byte for byte (test/unit/item-size.test.ts).
 */

/** DynamoDB's largest item, in bytes. */
export const MAX_ITEM_BYTES = 409_600;

/** An item DynamoDB would refuse: refused here, before the request, with what it was. */
export class ItemTooLargeError extends Error {
  override name = 'ItemTooLargeError';
  readonly bytes: number;
  constructor(what: string, bytes: number) {
    super(`${what} is ${bytes} bytes, over DynamoDB's item limit of ${MAX_ITEM_BYTES}`);
    this.bytes = bytes;
  }
}

/** The item's size in bytes as DynamoDB counts it. */
export function itemBytes(item: Readonly<Record<string, unknown>>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    size += utf8Bytes(name) + valueBytes(value);
  }
  return size;
}

/** Throws ItemTooLargeError when the item is over 400 KB; `what` names it in the message. */
export function assertItemFits(item: Readonly<Record<string, unknown>>, what = 'The item'): void {
  const bytes = itemBytes(item);
  if (bytes > MAX_ITEM_BYTES) throw new ItemTooLargeError(what, bytes);
}

function valueBytes(value: unknown): number {
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return utf8Bytes(value);
  if (typeof value === 'number' || typeof value === 'bigint') return numberBytes(String(value));
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof ArrayBuffer) return value.byteLength;
  if (value instanceof Set) {
    let size = 0;
    for (const member of value) size += valueBytes(member);
    return size;
  }
  if (Array.isArray(value)) {
    let size = 3;
    for (const element of value) size += 1 + (element === undefined ? 0 : valueBytes(element));
    return size;
  }
  if (typeof value === 'object') {
    let size = 3;
    for (const [name, element] of Object.entries(value)) {
      if (element === undefined) continue;
      size += 1 + utf8Bytes(name) + valueBytes(element);
    }
    return size;
  }
  throw new TypeError(`A ${typeof value} cannot be stored in DynamoDB`);
}

function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * A number's stored size: its significant digits in pairs (base 100, aligned on the decimal
 * exponent, so an even count of digits at an even exponent takes one pair more), one byte of
 * exponent, one more for a negative number. Zero is one byte.
 */
function numberBytes(text: string): number {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(text.trim());
  if (!match) throw new TypeError(`${text} is not a number DynamoDB can store`);
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match;
  const digits = `${whole}${fraction}`;
  const first = digits.search(/[1-9]/);
  if (first < 0) return 1;
  const significant = digits.slice(first).replace(/0+$/, '');
  // The decimal exponent of the first significant digit (1.5 → 0, 150 → 2, 0.015 → -2).
  const e = whole.length - 1 - first + Number(exponent);
  const count = significant.length;
  return 1 + Math.ceil(count / 2) + (count % 2 || e % 2 ? 0 : 1) + (sign === '-' ? 1 : 0);
}
