import { isStaffRole, type StaffRole } from '#config/roles.ts';

/** The signed-in staff member, as the API sees them after the JWT authorizer. */
export interface StaffMember {
  readonly username: string;
  readonly role: StaffRole;
  readonly area: string;
  readonly email?: string;
}

export class NotAuthorisedError extends Error {
  override name = 'NotAuthorisedError';
}

/**
 * Reads the Cognito claims as API Gateway's JWT authorizer passes them. Array claims such as
 * `cognito:groups` arrive flattened to a string like `[supervisor]`, so both forms are read.
 */
export function staffFromClaims(claims: Record<string, unknown> | undefined): StaffMember {
  if (!claims) throw new NotAuthorisedError('No signed-in user');
  const username = claims['cognito:username'] ?? claims.username ?? claims.sub;
  const groups = parseGroups(claims['cognito:groups']);
  const role = groups.find(isStaffRole);
  const area = claims['custom:area'];
  if (typeof username !== 'string' || !role || typeof area !== 'string' || area === '') {
    throw new NotAuthorisedError('The signed-in user has no staff role or area');
  }
  const email = typeof claims.email === 'string' ? claims.email : undefined;
  return { username, role, area, ...(email ? { email } : {}) };
}

function parseGroups(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (typeof value !== 'string') return [];
  return value
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
}
