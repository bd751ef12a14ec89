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
}

export const DEFAULT_FLOOD_LIMIT_PER_HOUR = 5;

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
  const floodText = env.FLOOD_LIMIT_PER_HOUR?.trim();
  const floodLimitPerHour = floodText ? Number(floodText) : DEFAULT_FLOOD_LIMIT_PER_HOUR;
  if (!Number.isInteger(floodLimitPerHour) || floodLimitPerHour < 1) {
    throw new Error(`FLOOD_LIMIT_PER_HOUR "${floodText}" must be a whole number ≥ 1`);
  }
  return { intakeAddresses, ownDomain, faxGateways, areaByAddress, defaultArea, floodLimitPerHour };
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
