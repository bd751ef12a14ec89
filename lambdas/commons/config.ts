/**
 * Configuration read once at cold start. A missing variable fails the container at once with
 * a message naming it, rather than failing the first complaint that needs it.
 */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(
      `Missing environment variable ${name}: set it on the function (CDK does) or in the local stack`,
    );
  }
  return value;
}
