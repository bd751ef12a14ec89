import { COMPANY_WIDE_ROLES } from '#config/workflow.ts';
import type { StaffMember } from '#domain/staff.ts';

/**
 * Who may do what with reports and rectification items. Reports cover every area and go to
 * management: customer service (who make them, procedure step 10) and the manager. The area's
 * supervisor sees the rectification items of their area, since their office carries them out.
 */
export function mayMakeReports(staff: StaffMember): boolean {
  return COMPANY_WIDE_ROLES.includes(staff.role);
}

export function mayReadReports(staff: StaffMember): boolean {
  return COMPANY_WIDE_ROLES.includes(staff.role);
}

export function mayEditRectification(staff: StaffMember): boolean {
  return COMPANY_WIDE_ROLES.includes(staff.role);
}

export function mayReadRectification(staff: StaffMember, item: { subject: { area: string } }): boolean {
  return (
    COMPANY_WIDE_ROLES.includes(staff.role) ||
    (staff.role === 'supervisor' && staff.area === item.subject.area)
  );
}

export function mayListRectification(staff: StaffMember): boolean {
  return COMPANY_WIDE_ROLES.includes(staff.role) || staff.role === 'supervisor';
}
