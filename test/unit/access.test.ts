import { describe, expect, it } from 'vitest';
import { AREAS } from '#config/areas.ts';
import { STAFF_ROLES, type StaffRole } from '#config/roles.ts';
import { STEP_IDS, STEPS } from '#config/workflow.ts';
import {
  directoryEditRefusal,
  isHeadOffice,
  isMailReviewer,
  isOwnDepartmentsWork,
  mayActOnTask,
  mayChangeArea,
  mayEditDirectory,
  mayEditEstates,
  mayEditRectification,
  mayListRectification,
  mayLogComplaintIn,
  mayLogComplaints,
  mayMakeReports,
  mayReadDirectory,
  mayReadRectification,
  mayReadReports,
  mayReviewMail,
  maySeeArea,
  maySeeComplaint,
  visibleAreas,
} from '#domain/access.ts';

/** Every access rule of lambdas/domain/access.ts, for each staff role, in its own area and another. */
const HERE = 'kowloon-east';
const THERE = 'hk-island';
const staff = (role: StaffRole, area = HERE) => ({
  role,
  area,
  ...(role === 'department' ? { department: 'engineering' } : {}),
});
const rolesWhere = (rule: (role: StaffRole) => boolean) => STAFF_ROLES.filter(rule).sort();

describe('areas', () => {
  it('are every area of config/areas.ts for head office, and their own for everyone else', () => {
    const everyArea = AREAS.map((a) => a.id);
    expect(everyArea).toEqual([HERE, THERE]);
    expect(rolesWhere((role) => isHeadOffice(staff(role)))).toEqual(['customer-service', 'manager']);
    for (const role of STAFF_ROLES) {
      const seen = visibleAreas(staff(role));
      if (isHeadOffice(staff(role))) expect(seen, role).toEqual(everyArea);
      else expect(seen, role).toEqual([HERE]);
      expect(maySeeArea(staff(role), HERE), role).toBe(true);
      expect(maySeeArea(staff(role), THERE), role).toBe(isHeadOffice(staff(role)));
    }
  });

  it('of another area are refused to its supervisor, and seen by the manager wherever their own office is', () => {
    expect(maySeeArea(staff('supervisor', THERE), HERE)).toBe(false);
    expect(maySeeArea(staff('manager', THERE), HERE)).toBe(true);
    expect(maySeeArea(staff('customer-service', THERE), HERE)).toBe(true);
  });

  it('are never widened by an unknown role', () => {
    expect(visibleAreas({ role: 'owner', area: HERE })).toEqual([HERE]);
    expect(maySeeArea({ role: 'admin', area: HERE }, THERE)).toBe(false);
  });
});

describe('a task', () => {
  it('is answered by its step’s role only, in its area (head office in every area)', () => {
    for (const step of STEP_IDS) {
      const task = { step, role: STEPS[step].role, area: HERE, department: 'engineering' };
      for (const role of STAFF_ROLES) {
        expect(mayActOnTask(staff(role), task), `${role} on ${step}`).toBe(role === task.role);
        expect(mayActOnTask(staff(role, THERE), task), `${role} of ${THERE} on ${step}`).toBe(
          role === task.role && isHeadOffice(staff(role)),
        );
      }
    }
  });

  it('of a department is answered by that department’s people only, and its complaint seen by them only', () => {
    const work = { role: 'department', area: HERE, department: 'engineering' };
    const engineer = { role: 'department', area: HERE, department: 'engineering' };
    const cleaner = { role: 'department', area: HERE, department: 'cleaning' };
    expect(mayActOnTask(engineer, work)).toBe(true);
    expect(mayActOnTask(cleaner, work)).toBe(false);
    // A department member with no department, or a task naming none, gets nothing.
    expect(mayActOnTask({ role: 'department', area: HERE }, work)).toBe(false);
    expect(mayActOnTask(engineer, { role: 'department', area: HERE })).toBe(false);
    expect(maySeeComplaint(engineer, { area: HERE, department: 'engineering' })).toBe(true);
    expect(maySeeComplaint(cleaner, { area: HERE, department: 'engineering' })).toBe(false);
    expect(maySeeComplaint(cleaner, { area: HERE })).toBe(false);
    // Other roles are not limited by department.
    expect(maySeeComplaint(staff('supervisor'), { area: HERE, department: 'engineering' })).toBe(true);
    expect(isOwnDepartmentsWork(staff('reception'), {})).toBe(true);
  });

  it('of the supervisor of another area is refused to that supervisor', () => {
    expect(mayActOnTask(staff('supervisor', THERE), { role: 'supervisor', area: HERE })).toBe(false);
    expect(mayActOnTask(staff('supervisor'), { role: 'supervisor', area: HERE })).toBe(true);
  });
});

describe('logging a complaint', () => {
  it('is for reception and whoever covers: followup, supervisor, head office; not a department or the clerk', () => {
    expect(rolesWhere((role) => mayLogComplaints(staff(role)))).toEqual(
      ['customer-service', 'followup', 'manager', 'reception', 'supervisor'].sort(),
    );
  });

  it('is in an area they see', () => {
    expect(mayLogComplaintIn(staff('reception'), HERE)).toBe(true);
    expect(mayLogComplaintIn(staff('reception'), THERE)).toBe(false);
    expect(mayLogComplaintIn(staff('manager'), THERE)).toBe(true);
    expect(mayLogComplaintIn(staff('clerk'), HERE)).toBe(false);
  });
});

describe('moving a complaint to another area', () => {
  it('is for the reception and supervisor of its area, and head office', () => {
    expect(rolesWhere((role) => mayChangeArea(staff(role), { area: HERE }))).toEqual(
      ['customer-service', 'manager', 'reception', 'supervisor'].sort(),
    );
    expect(rolesWhere((role) => mayChangeArea(staff(role, THERE), { area: HERE }))).toEqual(
      ['customer-service', 'manager'].sort(),
    );
  });
});

describe('received mail', () => {
  it('is reviewed by reception and supervisors in their area and by customer service everywhere; not the manager', () => {
    expect(rolesWhere((role) => isMailReviewer(staff(role)))).toEqual(
      ['customer-service', 'reception', 'supervisor'].sort(),
    );
    expect(rolesWhere((role) => mayReviewMail(staff(role), HERE))).toEqual(
      ['customer-service', 'reception', 'supervisor'].sort(),
    );
    expect(rolesWhere((role) => mayReviewMail(staff(role, THERE), HERE))).toEqual(['customer-service']);
  });
});

describe('reports and rectification items', () => {
  it('are made, read and edited by head office', () => {
    for (const rule of [mayMakeReports, mayReadReports, mayEditRectification]) {
      expect(
        rolesWhere((role) => rule(staff(role))),
        rule.name,
      ).toEqual(['customer-service', 'manager']);
    }
  });

  it('are listed for supervisors too, each seeing the items of their own area only', () => {
    expect(rolesWhere((role) => mayListRectification(staff(role)))).toEqual(
      ['customer-service', 'manager', 'supervisor'].sort(),
    );
    const item = { subject: { area: HERE } };
    expect(rolesWhere((role) => mayReadRectification(staff(role), item))).toEqual(
      ['customer-service', 'manager', 'supervisor'].sort(),
    );
    expect(rolesWhere((role) => mayReadRectification(staff(role, THERE), item))).toEqual([
      'customer-service',
      'manager',
    ]);
  });
});

describe('the estate directory', () => {
  it('is read by every staff role in the areas they see', () => {
    for (const role of STAFF_ROLES) {
      expect(mayReadDirectory(staff(role), HERE), role).toBe(true);
      expect(mayReadDirectory(staff(role), THERE), role).toBe(isHeadOffice(staff(role)));
    }
  });

  it('is edited by reception, supervisors and customer service, in the areas they see', () => {
    expect(rolesWhere((role) => mayEditDirectory(staff(role), HERE))).toEqual(
      ['customer-service', 'reception', 'supervisor'].sort(),
    );
    expect(rolesWhere((role) => mayEditDirectory(staff(role), THERE))).toEqual(['customer-service']);
    expect(mayEditDirectory(staff('supervisor', THERE), HERE)).toBe(false);
  });

  it('has its estates and buildings changed by supervisors and customer service only', () => {
    expect(rolesWhere((role) => mayEditEstates(staff(role), HERE))).toEqual([
      'customer-service',
      'supervisor',
    ]);
    expect(rolesWhere((role) => mayEditEstates(staff(role), THERE))).toEqual(['customer-service']);
  });

  it('says why an edit is refused: the role, or the area', () => {
    expect(directoryEditRefusal(staff('reception'), HERE, 'units')).toBeUndefined();
    expect(directoryEditRefusal(staff('reception'), HERE, 'estates')).toMatch(
      /supervisors and customer service; you are reception/,
    );
    expect(directoryEditRefusal(staff('clerk'), HERE, 'units')).toMatch(/you are clerk/);
    expect(directoryEditRefusal(staff('supervisor', THERE), HERE, 'units')).toMatch(/You work in hk-island/);
  });
});
