import { AREAS, areaById } from '#config/areas.ts';

/**
 * Email intake's configuration, from the function's environment (CDK sets it from context; the
 * local stack from its own variables). Read once at cold start; a wrong value stops the
 * function with a message naming the variable.
 */
export interface IntakeSettings {
  /** Our intake addresses, lower case. Mail from them is our own and is never answered. */
  readonly intakeAddresses: readonly string[];
  /** The domain of our Message-IDs (the first intake address's, which is also MAIL_FROM). */
  readonly ownDomain: string;
  /** Fax-to-email gateways: full addresses, or `@domain` for every sender of a domain. */
  readonly faxGateways: readonly string[];
  /**
   * The area a new complaint goes to, by the intake address it was sent to. Email cannot tell
   * which building an owner lives in; each area's management office usually publishes its own
   * address, and staff move a complaint when the first guess is wrong.
   */
  readonly areaByAddress: Readonly<Record<string, string>>;
  /** Where complaints to an address without an entry go: the first area of config/areas.ts. */
  readonly defaultArea: string;
  /** New complaints one sender may open per hour; more are held for staff review, unanswered. */
  readonly floodLimitPerHour: number;
  /**
   * Acknowledgements emailed to one address per hour, for complaints email intake opened; more
   * are withheld (the complaint is still opened), so our acknowledgements cannot be used to
   * bomb an address someone else wrote in. @default floodLimitPerHour
   */
  readonly acknowledgementLimitPerHour: number;
  /** Replies one complaint takes per hour; more are held for staff review. */
  readonly replyLimitPerHour: number;
  /** Replies one complaint takes in all; more are held for staff review. */
  readonly replyLimitTotal: number;
  /**
   * The domains of our staff and departments' mailboxes (from STAFF_EMAIL_PATTERN and
   * DEPARTMENT_EMAIL_PATTERN; `*` where the pattern fills in an area): mail from them is held for
   * review, never taken for an owner's.
   */
  readonly internalDomains: readonly string[];
}

export const DEFAULT_FLOOD_LIMIT_PER_HOUR = 5;
export const DEFAULT_REPLY_LIMIT_PER_HOUR = 20;
export const DEFAULT_REPLY_LIMIT_TOTAL = 200;
/**
 * The highest limit accepted: a counter item keeps the SES message ids it counted (so a retried
 * delivery is not counted twice), and must stay well inside DynamoDB's 400 KB.
 */
export const MAX_MAIL_LIMIT = 1000;

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter(Boolean);

export function intakeSettingsFrom(env: Readonly<Record<string, string | undefined>>): IntakeSettings {
  const intakeAddresses = list(env.INTAKE_ADDRESSES);
  if (intakeAddresses.length === 0) {
    throw new Error('Missing environment variable INTAKE_ADDRESSES: the addresses owners write to');
  }
  const ownDomain = intakeAddresses[0]?.split('@')[1] ?? '';
  const faxGateways = list(env.FAX_GATEWAY_ADDRESSES);
  for (const gateway of faxGateways) {
    if (!/^[^@\s]*@[^@\s]+$/.test(gateway)) {
      throw new Error(
        `FAX_GATEWAY_ADDRESSES: "${gateway}" is neither an address nor @domain (e.g. fax@gateway.example,@faxmail.example)`,
      );
    }
  }
  const areaByAddress: Record<string, string> = {};
  if (env.INTAKE_AREA_BY_ADDRESS?.trim()) {
    let given: unknown;
    try {
      given = JSON.parse(env.INTAKE_AREA_BY_ADDRESS);
    } catch {
      throw new Error('INTAKE_AREA_BY_ADDRESS must be JSON, e.g. {"hki@estate.example":"hk-island"}');
    }
    if (typeof given !== 'object' || given === null || Array.isArray(given)) {
      throw new Error('INTAKE_AREA_BY_ADDRESS must be a JSON object of address → area');
    }
    for (const [address, area] of Object.entries(given)) {
      if (typeof area !== 'string' || !areaById(area)) {
        throw new Error(
          `INTAKE_AREA_BY_ADDRESS: "${String(area)}" for ${address} is not an area (${AREAS.map((a) => a.id).join(', ')})`,
        );
      }
      if (!intakeAddresses.includes(address.toLowerCase())) {
        throw new Error(`INTAKE_AREA_BY_ADDRESS: ${address} is not one of INTAKE_ADDRESSES`);
      }
      areaByAddress[address.toLowerCase()] = area;
    }
  }
  const defaultArea = AREAS[0]?.id;
  if (!defaultArea) throw new Error('config/areas.ts declares no area');
  const floodLimitPerHour = limitFrom(env, 'FLOOD_LIMIT_PER_HOUR', DEFAULT_FLOOD_LIMIT_PER_HOUR);
  return {
    intakeAddresses,
    ownDomain,
    faxGateways,
    areaByAddress,
    defaultArea,
    floodLimitPerHour,
    acknowledgementLimitPerHour: acknowledgementLimitFrom(env),
    replyLimitPerHour: limitFrom(env, 'REPLY_LIMIT_PER_HOUR', DEFAULT_REPLY_LIMIT_PER_HOUR),
    replyLimitTotal: limitFrom(env, 'REPLY_LIMIT_TOTAL', DEFAULT_REPLY_LIMIT_TOTAL),
    internalDomains: [env.STAFF_EMAIL_PATTERN, env.DEPARTMENT_EMAIL_PATTERN]
      .map((pattern) => domainOfPattern(pattern))
      .filter((domain): domain is string => domain !== undefined),
  };
}

/**
 * ACKNOWLEDGEMENT_LIMIT_PER_HOUR, else the flood limit: the one intake setting the workflow's
 * notify-owner function reads.
 */
export function acknowledgementLimitFrom(env: Readonly<Record<string, string | undefined>>): number {
  const flood = limitFrom(env, 'FLOOD_LIMIT_PER_HOUR', DEFAULT_FLOOD_LIMIT_PER_HOUR);
  return limitFrom(env, 'ACKNOWLEDGEMENT_LIMIT_PER_HOUR', flood);
}

function limitFrom(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  fallback: number,
): number {
  const text = env[name]?.trim();
  const limit = text ? Number(text) : fallback;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_MAIL_LIMIT) {
    throw new Error(`${name} "${text}" must be a whole number from 1 to ${MAX_MAIL_LIMIT}`);
  }
  return limit;
}

/** `{role}.{area}@staff.estate.example` → `staff.estate.example`; a placeholder becomes `*`. */
function domainOfPattern(pattern: string | undefined): string | undefined {
  const domain = pattern?.trim().toLowerCase().split('@')[1];
  return domain ? domain.replace(/\{[^}]*\}/g, '*') : undefined;
}

/** Whether an address is one of our staff's or departments' (internalDomains). */
export function isInternalSender(settings: IntakeSettings, address: string | undefined): boolean {
  const domain = (address ?? '').toLowerCase().split('@')[1];
  if (!domain) return false;
  return settings.internalDomains.some((pattern) => {
    const labels = pattern.split('.');
    const given = domain.split('.');
    return labels.length === given.length && labels.every((label, i) => label === '*' || label === given[i]);
  });
}

/** The area for a message, by the first of its recipients that has one. */
export function areaForRecipients(settings: IntakeSettings, recipients: readonly string[]): string {
  for (const recipient of recipients) {
    const area = settings.areaByAddress[recipient.toLowerCase()];
    if (area) return area;
  }
  return settings.defaultArea;
}

export function isFaxGateway(settings: IntakeSettings, address: string | undefined): boolean {
  const sender = (address ?? '').toLowerCase();
  if (!sender) return false;
  return settings.faxGateways.some((gateway) =>
    gateway.startsWith('@') ? sender.endsWith(gateway) : sender === gateway,
  );
}

export function isOwnAddress(settings: IntakeSettings, address: string | undefined): boolean {
  return settings.intakeAddresses.includes((address ?? '').toLowerCase());
}
