import { type WorkflowSettings, workflowSettingsFrom } from '#config/workflow.ts';
import { type IntakeSettings, intakeSettingsFrom } from '#domain/mail/intake-options.ts';

/**
 * Where the local stack keeps the variables of the function being invoked: several functions
 * share its process, each with its own variables (local/runtime/function-environment.ts
 * installs the hook). On AWS nothing is installed and a function's variables are process.env.
 */
const LOCAL_ENVIRONMENT = Symbol.for('complaints.function-environment');

type EnvironmentHook = () => { get(name: string): string | undefined } | undefined;

/** The variable as the function being run was given it. */
function variable(name: string): string | undefined {
  const hook = (globalThis as { [LOCAL_ENVIRONMENT]?: EnvironmentHook })[LOCAL_ENVIRONMENT];
  const local = hook?.();
  return local ? local.get(name) : process.env[name];
}

/**
 * Configuration read once at cold start. A missing variable fails the container at once with
 * a message naming it, rather than failing the first complaint that needs it.
 */
export function requireEnv(name: string): string {
  const value = variable(name);
  if (value === undefined || value === '') {
    throw new Error(
      `Missing environment variable ${name}: set it on the function (CDK does) or in the local stack`,
    );
  }
  return value;
}

/** A variable that may be left unset (its reader has a default). */
export function optionalEnv(name: string): string | undefined {
  return variable(name);
}

/**
 * Settings shared by several handlers, parsed on first use and then kept while the variable
 * is the same (the local stack runs functions with different values in one process). Each
 * throws at once, naming the variable, when it is wrong.
 */
let workflow: { readonly raw: string | undefined; readonly settings: WorkflowSettings } | undefined;

export function workflowSettings(): WorkflowSettings {
  const raw = variable('WORKFLOW_SETTINGS');
  if (workflow === undefined || workflow.raw !== raw) workflow = { raw, settings: workflowSettingsFrom(raw) };
  return workflow.settings;
}

/** Email intake's options: INTAKE_ADDRESSES, FAX_GATEWAY_ADDRESSES, INTAKE_AREA_BY_ADDRESS, FLOOD_LIMIT_PER_HOUR. */
export function intakeSettings(): IntakeSettings {
  return intakeSettingsFrom({
    INTAKE_ADDRESSES: variable('INTAKE_ADDRESSES'),
    FAX_GATEWAY_ADDRESSES: variable('FAX_GATEWAY_ADDRESSES'),
    INTAKE_AREA_BY_ADDRESS: variable('INTAKE_AREA_BY_ADDRESS'),
    FLOOD_LIMIT_PER_HOUR: variable('FLOOD_LIMIT_PER_HOUR'),
  });
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
