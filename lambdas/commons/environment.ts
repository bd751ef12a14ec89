import { workflowSettingsFrom } from '#config/workflow.ts';

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

/**
 * Settings shared by several handlers, read on first use and then kept for the container's
 * life. Each throws at once, naming the variable, when it is missing or wrong.
 */
let workflow: ReturnType<typeof workflowSettingsFrom> | undefined;

export function workflowSettings() {
  workflow ??= workflowSettingsFrom(process.env.WORKFLOW_SETTINGS);
  return workflow;
}

/** The staff web app's public URL, for links in emails (no trailing slash). */
export function appUrl(): string {
  return requireEnv('PUBLIC_APP_URL').replace(/\/+$/, '');
}

/** The address automatic emails come from (also the intake address replies go to). */
export function mailFrom(): string {
  return requireEnv('MAIL_FROM');
}

/** The domain of our Message-IDs, so replies can be matched to what we sent. */
export function messageIdDomain(): string {
  return mailFrom().split('@')[1] ?? 'localhost';
}

function fill(pattern: string, values: Record<string, string>): string {
  return pattern.replace(/\{(\w+)\}/g, (_m, key: string) => values[key] ?? '');
}

/** Where a department's work orders go: `DEPARTMENT_EMAIL_PATTERN`, e.g. `{department}@estate.example`. */
export function departmentAddress(department: string, area: string): string {
  return fill(requireEnv('DEPARTMENT_EMAIL_PATTERN'), { department, area });
}

/** Where a role's task notices go: `STAFF_EMAIL_PATTERN`, e.g. `{role}.{area}@staff.estate.example`. */
export function staffAddress(role: string, area: string): string {
  return fill(requireEnv('STAFF_EMAIL_PATTERN'), { role, area });
}
