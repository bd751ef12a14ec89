import { AREAS } from '#config/areas.ts';
import { DEPARTMENTS, type DepartmentId } from '#config/catalogue.ts';
import { departmentGroup, STAFF_ROLES, type StaffRole } from '#config/roles.ts';

/**
 * The local stack's staff: one person per role in each area, and for departments one person in
 * each department of config/catalogue.ts in each area (`engineering.kowloon-east`,
 * `cleaning.hk-island` …), so a work order reaches its own department's people only, as it
 * does with the deployment's Cognito groups (`department` plus `department-<id>`). Each has a
 * display name (the ID token's `name` claim) that the app shows with the role.
 */
export interface DemoUser {
  readonly username: string;
  readonly role: StaffRole;
  readonly area: string;
  readonly email: string;
  readonly name: string;
  /** A department member's department. */
  readonly department?: DepartmentId;
}

/** Made-up names, one per person; the same on every run so tests and screenshots can say them. */
const SURNAMES = [
  '陳',
  '李',
  '張',
  '黃',
  '何',
  '林',
  '吳',
  '劉',
  '蔡',
  '鄭',
  '梁',
  '謝',
  '馮',
  '曾',
  '彭',
  '蕭',
  '潘',
  '袁',
  '許',
  '鍾',
];
const GIVEN = [
  '美玲',
  '志明',
  '嘉欣',
  '家豪',
  '詠詩',
  '偉倫',
  '淑儀',
  '國強',
  '小雯',
  '俊傑',
  '慧敏',
  '子健',
  '佩珊',
  '永康',
  '凱琳',
  '德華',
  '雅婷',
  '振邦',
  '少芬',
  '文輝',
];

function nameFor(index: number): string {
  return `${SURNAMES[index % SURNAMES.length]}${GIVEN[(index * 7 + 3) % GIVEN.length]}`;
}

const people: Omit<DemoUser, 'name'>[] = AREAS.flatMap((area) =>
  STAFF_ROLES.flatMap((role): Omit<DemoUser, 'name'>[] =>
    role === 'department'
      ? DEPARTMENTS.map((department) => ({
          username: `${department.id}.${area.id}`,
          role,
          area: area.id,
          email: `${department.id}.${area.id}@staff.estate.example`,
          department: department.id,
        }))
      : [
          {
            username: `${role}.${area.id}`,
            role,
            area: area.id,
            email: `${role}.${area.id}@staff.estate.example`,
          },
        ],
  ),
);

export const DEMO_USERS: readonly DemoUser[] = people.map((person, i) => ({ ...person, name: nameFor(i) }));

/** The Cognito groups a demo user's ID token carries: the role's, and a department member's department's. */
export function groupsOf(user: DemoUser): string[] {
  return user.department ? [user.role, departmentGroup(user.department)] : [user.role];
}
