import { AREAS } from '#config/areas.ts';
import type { EndingKind } from '#config/procedure-names.ts';
import { COMPANY_WIDE_ROLES, type StaffRole } from '#config/roles.ts';
import type { CorrectableField } from './fields.ts';

/**
 * Who may see and do what: the one place the API's handlers and services, and the web app
 * (which only hides what the API would refuse), read the access rules from. Pure, and small
 * enough for the web bundle: it imports only config/areas.ts and config/roles.ts (and a type of
 * domain/fields.ts).
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
  /** A department member's own department (config/catalogue.ts DEPARTMENTS). */
  readonly department?: string;
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
  task: { readonly role: string; readonly area: string; readonly department?: string },
): boolean {
  return staff.role === task.role && maySeeArea(staff, task.area) && isOwnDepartmentsWork(staff, task);
}

/**
 * A department's people work on their own department's work orders only (PROCEDURE.md step 4:
 * the supervisor names the department): a task or complaint of the department role belongs to
 * the department the record names. Everyone else is not limited by department.
 */
export function isOwnDepartmentsWork(staff: StaffAccess, work: { readonly department?: string }): boolean {
  return (
    staff.role !== 'department' || (staff.department !== undefined && work.department === staff.department)
  );
}

/**
 * Whether a staff member sees one complaint (its page, files, correspondence): one of an area
 * they see, and for a department member one their department was given.
 */
export function maySeeComplaint(
  staff: StaffAccess,
  complaint: { readonly area: string; readonly department?: string },
): boolean {
  return maySeeArea(staff, complaint.area) && isOwnDepartmentsWork(staff, complaint);
}

/** Why maySeeComplaint refuses, in a sentence the API answers with. */
export function complaintRefusal(
  staff: StaffAccess,
  complaint: { readonly ref: string; readonly area: string },
): string {
  return maySeeArea(staff, complaint.area)
    ? `Complaint ${complaint.ref} is another department's work`
    : `Complaint ${complaint.ref} belongs to another area`;
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

/**
 * Who gets owners' phone numbers and email addresses in lists and exports (many owners' at
 * once, where one complaint's page shows one owner's): the roles that contact owners in the
 * procedure — reception (acknowledge, clarify), follow-up staff (the plan, the satisfaction
 * call-back), the supervisor, and customer service and the manager when a complaint reaches
 * them. Departments do the work a work order names, and the clerk files: neither calls owners.
 */
const OWNER_CONTACT_LIST_ROLES: readonly StaffRole[] = [
  'reception',
  'followup',
  'supervisor',
  'customer-service',
  'manager',
];

/** Whether the complaints list and its CSV give this staff member the owners' contacts. */
export function mayListOwnerContacts(staff: StaffAccess): boolean {
  return hasRole(staff, OWNER_CONTACT_LIST_ROLES);
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

// ---- Corrections and internal notes ---------------------------------------------------------

/**
 * Who corrects the owner's name and contacts and the building and unit (PROCEDURE.md, roles):
 * reception, who fill in the form; follow-up staff, who phone the owner and hear the right number;
 * the supervisor, who signs the form; customer service, who call owners on escalations.
 */
const CONTACT_CORRECTING_ROLES: readonly StaffRole[] = [
  'reception',
  'followup',
  'supervisor',
  'customer-service',
];

/**
 * Who corrects what the complaint is about, its content (key points as noted) and category: those
 * who fill in and sign the form, not follow-up staff, who carry it out.
 */
const SUBSTANCE_CORRECTING_ROLES: readonly StaffRole[] = ['reception', 'supervisor', 'customer-service'];

/** Once the supervisor has signed the form with its category (step 3), the category is theirs to change. */
const SIGNED_CATEGORY_ROLES: readonly StaffRole[] = ['supervisor', 'customer-service'];

const SUBSTANCE_FIELDS: ReadonlySet<CorrectableField> = new Set(['content', 'category']);

/** What the rules need to know of a complaint: its area and whether the supervisor signed it. */
export interface CorrectableComplaint {
  readonly area: string;
  readonly supervisorReview?: unknown;
}

/**
 * Whether a staff member may correct one field of a complaint's record: a role whose part of
 * the procedure it is (above), working in the complaint's area (customer service: every area).
 */
export function mayCorrectField(
  staff: StaffAccess,
  complaint: CorrectableComplaint,
  field: CorrectableField,
): boolean {
  if (!maySeeArea(staff, complaint.area)) return false;
  if (field === 'category' && complaint.supervisorReview) return hasRole(staff, SIGNED_CATEGORY_ROLES);
  return hasRole(staff, SUBSTANCE_FIELDS.has(field) ? SUBSTANCE_CORRECTING_ROLES : CONTACT_CORRECTING_ROLES);
}

/** Whether a staff member may correct any field of a complaint's record (the web app's *Edit record*). */
export function mayCorrectRecord(staff: StaffAccess, complaint: CorrectableComplaint): boolean {
  return mayCorrectField(staff, complaint, 'ownerPhone') || mayCorrectField(staff, complaint, 'content');
}

/** Why a staff member may not make a correction of these fields, for the API's 403 (undefined when they may). */
export function correctionRefusal(
  staff: StaffAccess,
  complaint: CorrectableComplaint,
  fields: readonly CorrectableField[],
): string | undefined {
  if (!maySeeArea(staff, complaint.area)) return 'The complaint belongs to another area';
  const refused = fields.filter((field) => !mayCorrectField(staff, complaint, field));
  if (!refused.length) return undefined;
  if (
    refused.includes('category') &&
    complaint.supervisorReview &&
    hasRole(staff, SUBSTANCE_CORRECTING_ROLES)
  ) {
    return 'The supervisor has signed the category: the supervisor or customer service corrects it';
  }
  return `A ${staff.role} may not correct ${refused.join(', ')}: contacts and place are corrected by reception, follow-up staff, the supervisor or customer service; the content and category by reception, the supervisor or customer service`;
}

/**
 * Whether a staff member may add an internal note to a complaint: everyone who sees it (every
 * role has something to say about a complaint it works on). Notes are never sent to the owner.
 */
export function mayAddNote(
  staff: StaffAccess,
  complaint: { readonly area: string; readonly department?: string },
): boolean {
  return maySeeComplaint(staff, complaint);
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

/**
 * Who writes to the owner from the app (`POST /api/complaints/{ref}/messages`): the staff whose
 * part of the procedure is talking to owners — reception (clarify, acknowledge), follow-up staff
 * (the plan, the satisfaction call-back), the supervisor who signs the handling opinion, and the
 * escalation levels, customer service and the manager. Departments work through the follow-up
 * staff (procedure step 4), and the clerk only files.
 */
const OWNER_WRITING_ROLES: readonly StaffRole[] = [
  'reception',
  'followup',
  'supervisor',
  'customer-service',
  'manager',
];

/** Whether a staff member may email the owner of a complaint: a role above, of the complaint's area (head office: every area). */
export function mayWriteToOwner(staff: StaffAccess, complaint: { readonly area: string }): boolean {
  return hasRole(staff, OWNER_WRITING_ROLES) && maySeeArea(staff, complaint.area);
}

/** Who keeps the estate directory up to date: the front office and customer service. */
const DIRECTORY_EDITING_ROLES: readonly StaffRole[] = ['reception', 'supervisor', 'customer-service'];

/**
 * Who changes what the register is made of (estates, their buildings and owners' organisations):
 * the area's supervisor and customer service. Reception keeps units and residents up to date.
 */
const ESTATE_EDITING_ROLES: readonly StaffRole[] = ['supervisor', 'customer-service'];

/**
 * Whether a staff member may read the estate directory (estates, buildings, units, residents and
 * their contacts) of an area: every staff role, for the areas they see (the register is how they
 * find who complains, and who to call back).
 */
export function mayReadDirectory(staff: StaffAccess, area: string): boolean {
  return maySeeArea(staff, area);
}

/**
 * Whether a staff member may edit the units and residents of an area's register: reception,
 * supervisors and customer service, for the areas they see (the manager and the other roles
 * read it).
 */
export function mayEditDirectory(staff: StaffAccess, area: string): boolean {
  return hasRole(staff, DIRECTORY_EDITING_ROLES) && maySeeArea(staff, area);
}

/**
 * Whether a staff member may produce an estate's yearly complaint statistics for its owners'
 * organisation (issue 16 §5): customer service and the manager (head office, who make the
 * reports), for an estate of an area they see.
 */
export function mayMakeEstateStatistics(staff: StaffAccess, area: string): boolean {
  return mayMakeReports(staff) && maySeeArea(staff, area);
}

/** Whether a staff member may add or change an area's estates and buildings: supervisors and customer service. */
export function mayEditEstates(staff: StaffAccess, area: string): boolean {
  return hasRole(staff, ESTATE_EDITING_ROLES) && maySeeArea(staff, area);
}

/** Why a staff member may not edit the register of an area, for the API's 403 (undefined when they may). */
export function directoryEditRefusal(
  staff: StaffAccess,
  area: string,
  what: 'units' | 'estates',
): string | undefined {
  const may = what === 'units' ? mayEditDirectory(staff, area) : mayEditEstates(staff, area);
  if (may) return undefined;
  if (!maySeeArea(staff, area))
    return `You work in ${staff.area}; the register of ${area} is kept by its own office`;
  return what === 'units'
    ? `Units and residents are kept by reception, supervisors and customer service; you are ${staff.role}`
    : `Estates and buildings are kept by supervisors and customer service; you are ${staff.role}`;
}

// ---- Ending a complaint early: withdrawn, referred (domain/ending.ts) ---------------------

/**
 * Who records each ending: a withdrawal the owner tells the front office (reception, follow-up
 * staff who phone the owner, the supervisor) or head office; a referral is the supervisor's
 * judgement that the matter is not the company's (or head office's).
 */
const ENDING_ROLES: Record<EndingKind, readonly StaffRole[]> = {
  withdrawn: ['reception', 'followup', 'supervisor', 'customer-service', 'manager'],
  referred: ['supervisor', 'customer-service', 'manager'],
};

/** Whether a staff member may record this kind of ending for a complaint of that area. */
export function mayEndComplaint(
  staff: StaffAccess,
  kind: EndingKind,
  complaint: { readonly area: string },
): boolean {
  return hasRole(staff, ENDING_ROLES[kind]) && maySeeArea(staff, complaint.area);
}

/** Why this staff member may not record it (undefined: they may). */
export function endingRefusal(
  staff: StaffAccess,
  kind: EndingKind,
  complaint: { readonly area: string },
): string | undefined {
  if (mayEndComplaint(staff, kind, complaint)) return undefined;
  return kind === 'withdrawn'
    ? `A withdrawal is recorded by the area's reception, follow-up staff or supervisor, or head office; you are ${staff.role}`
    : `A complaint is referred by the area's supervisor or head office; you are ${staff.role}`;
}

// ---- Progress notices (domain/progress.ts) ------------------------------------------------

/** Who turns a complaint's progress notices off or on: the area's supervisor, or head office. */
export function maySwitchProgressNotices(staff: StaffAccess, complaint: { readonly area: string }): boolean {
  return hasRole(staff, ['supervisor', 'customer-service', 'manager']) && maySeeArea(staff, complaint.area);
}

// ---- Pausing a step's clock (domain/pause.ts) ----------------------------------------------

/**
 * Who pauses and resumes a step: whoever the task is for (its department, in its area), and the
 * area's supervisor, who oversees the work, or head office.
 */
export function mayPauseTask(
  staff: StaffAccess,
  task: { readonly role: string; readonly area: string; readonly department?: string },
): boolean {
  if (mayActOnTask(staff, task)) return true;
  return maySeeArea(staff, task.area) && hasRole(staff, ['supervisor', 'customer-service', 'manager']);
}
