import type { Names } from './catalogue.ts';

/**
 * Staff and owner roles, exactly as PROCEDURE.md's roles table names them.
 * Cognito groups carry these ids; the API authorises on them.
 */
export const ROLES = [
  'owner',
  'reception',
  'followup',
  'supervisor',
  'department',
  'customer-service',
  'manager',
  'clerk',
] as const;

export type Role = (typeof ROLES)[number];

/** Roles that sign in to the staff web app (owners never log in). */
export const STAFF_ROLES = ROLES.filter((role): role is Exclude<Role, 'owner'> => role !== 'owner');
export type StaffRole = (typeof STAFF_ROLES)[number];

/**
 * Head-office roles, who work across every area; the others work in their own area only. What
 * each role may see and do is decided in lambdas/domain/access.ts.
 */
export const COMPANY_WIDE_ROLES: readonly StaffRole[] = ['customer-service', 'manager'];

export const ROLE_NAMES: Record<Role, Names> = {
  owner: { en: 'Owner', zhHant: '業主', zhHans: '业主' },
  reception: { en: 'Reception', zhHant: '接待人員', zhHans: '接待人员' },
  followup: { en: 'Follow-up staff', zhHant: '跟進人員', zhHans: '跟进人员' },
  supervisor: { en: 'Supervisor', zhHant: '主任', zhHans: '主任' },
  department: { en: 'Department', zhHant: '相關部門', zhHans: '相关部门' },
  'customer-service': { en: 'Customer service department', zhHant: '客戶服務部', zhHans: '客户服务部' },
  manager: { en: 'Manager', zhHant: '經理', zhHans: '经理' },
  clerk: { en: 'Clerk', zhHant: '收費文員', zhHans: '收费文员' },
};

/**
 * Each department of config/catalogue.ts is its own group of people: a department member has
 * the `department` role group and the department's own group, `department-<id>` (Cognito
 * groups in the deployment; the local demo users carry the same claim). A work order, its
 * tasks and its complaints go to that department's people only.
 */
export const DEPARTMENT_GROUP_PREFIX = 'department-';
export const departmentGroup = (departmentId: string) => `${DEPARTMENT_GROUP_PREFIX}${departmentId}`;

export function isStaffRole(value: unknown): value is StaffRole {
  return typeof value === 'string' && (STAFF_ROLES as readonly string[]).includes(value);
}
