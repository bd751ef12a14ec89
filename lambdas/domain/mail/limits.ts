/**
 * The limits that keep mail from outside from being turned against us or against others:
 * new complaints per sender, acknowledgements per address, replies per complaint. Each is a
 * counter item taken with one conditional update (lambdas/adapters/mail-limits.ts), so parallel
 * deliveries cannot all pass a check made before any of them wrote. Pure: window names, the
 * allowance of a window, and the address a limit is kept for.
 */

const HOUR_MS = 3600_000;

/** An hour's counter window, by UTC hour: `2026-11-03T09`. */
export function hourWindowOf(at: string | Date): string {
  return new Date(at).toISOString().slice(0, 13);
}

/** The window before the one `at` falls in. */
export function previousHourWindowOf(at: string | Date): string {
  return hourWindowOf(new Date(new Date(at).getTime() - HOUR_MS));
}

/**
 * How many may be counted in the current hour's window, given what the previous window
 * counted: the sliding-window estimate (the previous hour's count weighted by how much of it
 * the last 60 minutes still cover), rounded against the sender. A fixed window alone lets
 * twice the limit through around the turn of an hour (the limit at 09:59, the limit again at
 * 10:00); with this, any 60 minutes see about the limit. The previous window is no longer
 * written to once its hour is over, so reading it first keeps the update atomic.
 */
export function hourlyAllowance(limit: number, previousCount: number, at: string | Date): number {
  const time = new Date(at).getTime();
  const elapsed = (time - Date.parse(`${hourWindowOf(at)}:00:00.000Z`)) / HOUR_MS;
  const carried = Math.ceil(previousCount * (1 - elapsed));
  return Math.max(0, limit - carried);
}

/** Providers whose mailboxes ignore dots in the local part. */
const DOTLESS_DOMAINS: Readonly<Record<string, string>> = {
  'gmail.com': 'gmail.com',
  'googlemail.com': 'gmail.com',
};

/**
 * The mailbox an address delivers to, as far as we can tell: lower case, without a `+tag`
 * (every large provider delivers `name+anything@` to `name@`), without dots where the provider
 * ignores them. A limit per address is kept on this, or 100 variants of one address would be
 * 100 addresses. Joining two addresses that are really two mailboxes only makes their limit
 * stricter.
 */
export function mailboxOf(address: string): string {
  const lower = address.trim().toLowerCase();
  const at = lower.lastIndexOf('@');
  if (at <= 0) return lower;
  const domain = lower.slice(at + 1);
  let local = lower.slice(0, at);
  const plus = local.indexOf('+');
  if (plus > 0) local = local.slice(0, plus);
  const dotless = DOTLESS_DOMAINS[domain];
  if (dotless) return `${local.replaceAll('.', '')}@${dotless}`;
  return `${local}@${domain}`;
}
