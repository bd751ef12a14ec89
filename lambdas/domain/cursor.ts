import type * as z from 'zod';
import { ValidationError } from './errors.ts';

/**
 * Paging cursors (`nextToken`): opaque to clients, checked when they come back. A cursor is
 * the position after a page's last item, named by what it pages (`complaints`, `mail-day`),
 * as base64url JSON with a checksum. The checksum is no secret (the position only ever says
 * where to go on within what the caller may see anyway); it makes an edited or truncated
 * token a clear 400 instead of a position nobody wrote, and the position's schema keeps
 * whatever is left (a timestamp out of range, another partition's key) from reaching a query.
 */

/** FNV-1a, 32 bits, as 7 base-36 digits: enough to tell an edited token from ours. */
function checksum(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36).padStart(7, '0');
}

const TOKEN = /^([A-Za-z0-9_-]{1,2000})\.([0-9a-z]{7})$/;

/** The cursor of a position in a listing of `kind`. */
export function encodeCursor(kind: string, position: unknown): string {
  const payload = Buffer.from(JSON.stringify([kind, position]), 'utf8').toString('base64url');
  return `${payload}.${checksum(`${kind}:${payload}`)}`;
}

/**
 * The position a cursor of `kind` names, as `schema` reads it. Throws a ValidationError on
 * `field` for anything else: another listing's cursor, an edited or truncated one, junk.
 */
export function decodeCursor<T>(kind: string, token: string, schema: z.ZodType<T>, field = 'nextToken'): T {
  const refused = new ValidationError([
    {
      field,
      message: `Use the ${field} of the previous page as it came, or leave it out for the first page`,
    },
  ]);
  const parts = TOKEN.exec(token);
  if (!parts?.[1] || parts[2] !== checksum(`${kind}:${parts[1]}`)) throw refused;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    throw refused;
  }
  if (!Array.isArray(decoded) || decoded.length !== 2 || decoded[0] !== kind) throw refused;
  const position = schema.safeParse(decoded[1]);
  if (!position.success) throw refused;
  return position.data;
}
