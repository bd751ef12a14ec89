import { DEPARTMENT_IDS, type DepartmentId } from '#config/catalogue.ts';
import { DEPARTMENT_GROUP_PREFIX, isStaffRole, type StaffRole } from '#config/roles.ts';

/** The signed-in staff member, as the API sees them after the JWT authorizer. */
export interface StaffMember {
  readonly username: string;
  readonly role: StaffRole;
  readonly area: string;
  readonly email?: string;
  /** The department a `department` member works in (their `department-<id>` group). */
  readonly department?: DepartmentId;
  /** The display name (the token's `name` claim), shown with the role where they sign. */
  readonly name?: string;
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
  const name = typeof claims.name === 'string' && claims.name.trim() !== '' ? claims.name.trim() : undefined;
  const department = departmentOf(groups);
  // A department member with no department of the catalogue would see no work at all, or (worse,
  // were it read as "any") every department's: refused until an administrator adds the group.
  if (role === 'department' && !department) {
    throw new NotAuthorisedError('The signed-in department member belongs to no department');
  }
  return {
    username,
    role,
    area,
    ...(email ? { email } : {}),
    ...(role === 'department' && department ? { department } : {}),
    ...(name ? { name } : {}),
  };
}

/** The department of a `department-<id>` group, if one names a department of the catalogue. */
function departmentOf(groups: readonly string[]): DepartmentId | undefined {
  const ids = DEPARTMENT_IDS as readonly string[];
  const id = groups
    .filter((group) => group.startsWith(DEPARTMENT_GROUP_PREFIX))
    .map((group) => group.slice(DEPARTMENT_GROUP_PREFIX.length))
    .find((candidate) => ids.includes(candidate));
  return id as DepartmentId | undefined;
}

function parseGroups(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (typeof value !== 'string') return [];
  return value
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
}

/** A staff member's signature on what they do now: login id, role, time and display name. */
export function signatureOf(
  member: StaffMember,
  at = new Date().toISOString(),
): { by: string; role: string; at: string; name?: string } {
  return { by: member.username, role: member.role, at, ...(member.name ? { name: member.name } : {}) };
}
