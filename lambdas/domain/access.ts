import { AREAS } from '#config/areas.ts';
import { COMPANY_WIDE_ROLES, type StaffRole } from '#config/roles.ts';

/**
 * Who may see and do what: the one place the API's handlers and services, and the web app
 * (which only hides what the API would refuse), read the access rules from. Pure, and small
 * enough for the web bundle: it imports only config/areas.ts and config/roles.ts.
 *
 * Two ideas run through every rule. A staff member works in their own area, except the
 * head-office roles (config/roles.ts COMPANY_WIDE_ROLES: customer service and the manager),
 * who work in every area. And a role does its own part of the procedure (PROCEDURE.md).
 */

/**
 * The signed-in staff member as far as access goes: the API's StaffMember (domain/staff.ts) and
 * the web app's Session (web/src/auth.ts) both have this shape. The role is a plain string so
 * the web app, which reads it from a token, can ask too; an unknown role is allowed nothing
 * beyond its own area.
 */
export interface StaffAccess {
  readonly role: string;
  readonly area: string;
}

function hasRole(staff: StaffAccess, roles: readonly StaffRole[]): boolean {
  return (roles as readonly string[]).includes(staff.role);
}

/** Head office (customer service, the manager): sees and acts in every area. */
export function isHeadOffice(staff: StaffAccess): boolean {
  return hasRole(staff, COMPANY_WIDE_ROLES);
}

/** The areas whose complaints, tasks and lists a staff member sees: every area of config/areas.ts for head office, else their own. */
export function visibleAreas(staff: StaffAccess): string[] {
  return isHeadOffice(staff) ? AREAS.map((area) => area.id) : [staff.area];
}

/** Whether a staff member sees the complaints (and their files, tasks and timeline) of an area. */
export function maySeeArea(staff: StaffAccess, area: string): boolean {
  return isHeadOffice(staff) || staff.area === area;
}

/**
 * Whether a staff member may answer a task: the task carries its step's role
 * (config/workflow.ts STEPS[step].role), and only that role may answer it, in the task's area
 * (head office: in every area). Everyone who sees the area sees the task as waiting on that role.
 */
export function mayActOnTask(
  staff: StaffAccess,
  task: { readonly role: string; readonly area: string },
): boolean {
  return staff.role === task.role && maySeeArea(staff, task.area);
}

/** Staff who take complaints from owners (PROCEDURE.md §3–4: reception, and anyone covering for them). */
const LOGGING_ROLES: readonly StaffRole[] = [
  'reception',
  'followup',
  'supervisor',
  'customer-service',
  'manager',
];

/** Whether a role logs complaints (phone, walk-in, letter, fax) and attaches their scans at all. */
export function mayLogComplaints(staff: StaffAccess): boolean {
  return hasRole(staff, LOGGING_ROLES);
}

/** Whether a staff member may log a complaint, or upload its scans, for an area: one they see. */
export function mayLogComplaintIn(staff: StaffAccess, area: string): boolean {
  return mayLogComplaints(staff) && maySeeArea(staff, area);
}

/** Who finds a misfiled complaint in their inbox, and may move it from their area. */
const AREA_MOVING_ROLES: readonly StaffRole[] = ['reception', 'supervisor'];

/**
 * Whether a staff member may move a complaint to another area: the reception and supervisor
 * of the area it is in (email intake files a complaint under the intake address's area, and they
 * are the ones who find it there), and head office, who see every area.
 */
export function mayChangeArea(staff: StaffAccess, complaint: { readonly area: string }): boolean {
  if (isHeadOffice(staff)) return true;
  return hasRole(staff, AREA_MOVING_ROLES) && staff.area === complaint.area;
}

/**
 * Roles that review received mail which did not become a complaint by itself (held,
 * quarantined, automatic): reception and supervisors for their area's intake addresses,
 * customer service for every area. The manager does not: it is front-office work.
 */
export const MAIL_REVIEW_ROLES: readonly StaffRole[] = ['reception', 'supervisor', 'customer-service'];

/** Whether a role reviews received mail at all (the *Mail* page, `GET /api/mail`). */
export function isMailReviewer(staff: StaffAccess): boolean {
  return hasRole(staff, MAIL_REVIEW_ROLES);
}

/** Whether a staff member may read, and release into a complaint, mail received for an area. */
export function mayReviewMail(staff: StaffAccess, area: string): boolean {
  return isMailReviewer(staff) && maySeeArea(staff, area);
}

/**
 * Reports cover every area and go to management: customer service make them (procedure
 * step 10), customer service and the manager read them.
 */
export function mayMakeReports(staff: StaffAccess): boolean {
  return isHeadOffice(staff);
}

/** Whether a staff member reads the periodic reports (every area's figures). */
export function mayReadReports(staff: StaffAccess): boolean {
  return isHeadOffice(staff);
}

/** Why a staff member may not read reports, for the API's 403 (undefined when they may). */
export function reportReadRefusal(staff: StaffAccess): string | undefined {
  return mayReadReports(staff)
    ? undefined
    : `Reports are for customer service and the manager; you are ${staff.role}`;
}

/** Whether a staff member edits rectification items (approves, updates, closes): head office. */
export function mayEditRectification(staff: StaffAccess): boolean {
  return isHeadOffice(staff);
}

/**
 * Whether a staff member sees a rectification item: head office every item, a supervisor the
 * items of their own area, since their office carries them out.
 */
export function mayReadRectification(
  staff: StaffAccess,
  item: { readonly subject: { readonly area: string } },
): boolean {
  return isHeadOffice(staff) || (staff.role === 'supervisor' && staff.area === item.subject.area);
}

/** Whether a staff member has a rectification plan to look at (the list, filtered by mayReadRectification). */
export function mayListRectification(staff: StaffAccess): boolean {
  return isHeadOffice(staff) || staff.role === 'supervisor';
}

/** Who keeps the estate directory up to date: the front office and customer service. */
const DIRECTORY_EDITING_ROLES: readonly StaffRole[] = ['reception', 'supervisor', 'customer-service'];

/**
 * Whether a staff member may read the estate directory (buildings, units, owners) of an area:
 * every staff role, for the areas they see. Not used yet: the directory is coming (issue 14),
 * and its rules are decided here with the others.
 */
export function mayReadDirectory(staff: StaffAccess, area: string): boolean {
  return maySeeArea(staff, area);
}

/**
 * Whether a staff member may edit the estate directory of an area: reception, supervisors and
 * customer service, for the areas they see (the manager and the other roles read it). Not used
 * yet: the directory is coming (issue 14).
 */
export function mayEditDirectory(staff: StaffAccess, area: string): boolean {
  return hasRole(staff, DIRECTORY_EDITING_ROLES) && maySeeArea(staff, area);
}
