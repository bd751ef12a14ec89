import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { AREAS } from '../config/areas.ts';
import { STAFF_ROLES, type StaffRole } from '../config/roles.ts';
import { realNow } from './scaled-clock.ts';

/**
 * The local stand-in for Cognito: demo staff users (one per role in each area) and an issuer
 * of RS256 ID tokens with the claims Cognito puts in them. Only the local stack has this; a
 * deployment signs in through the Cognito hosted UI.
 */
export interface DemoUser {
  readonly username: string;
  readonly role: StaffRole;
  readonly area: string;
  readonly email: string;
}

export const LOCAL_AUDIENCE = 'local-web-client';
const TOKEN_LIFETIME_SECONDS = 8 * 3600;

export const DEMO_USERS: readonly DemoUser[] = AREAS.flatMap((area) =>
  STAFF_ROLES.map((role) => ({
    username: `${role}.${area.id}`,
    role,
    area: area.id,
    email: `${role}.${area.id}@staff.estate.example`,
  })),
);

export class LocalIssuer {
  readonly issuer: string;
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;

  /** @param keyFile where the signing key is kept, so tokens survive a restart */
  constructor(issuer: string, keyFile?: string) {
    this.issuer = issuer;
    if (keyFile && existsSync(keyFile)) {
      this.privateKey = createPrivateKey(readFileSync(keyFile));
    } else {
      this.privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
      if (keyFile)
        writeFileSync(keyFile, this.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    }
    this.publicKey = createPublicKey(this.privateKey);
  }

  issue(username: string, now = Math.floor(realNow() / 1000)): string | undefined {
    const user = DEMO_USERS.find((u) => u.username === username);
    if (!user) return undefined;
    const claims = {
      sub: createHash('sha256').update(user.username).digest('hex').slice(0, 32),
      'cognito:username': user.username,
      'cognito:groups': [user.role],
      'custom:area': user.area,
      email: user.email,
      email_verified: true,
      iss: this.issuer,
      aud: LOCAL_AUDIENCE,
      token_use: 'id',
      auth_time: now,
      iat: now,
      exp: now + TOKEN_LIFETIME_SECONDS,
    };
    const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'local' }));
    const body = base64url(JSON.stringify(claims));
    const signature = sign('sha256', Buffer.from(`${header}.${body}`), this.privateKey).toString('base64url');
    return `${header}.${body}.${signature}`;
  }

  /**
   * Checks a token as the HTTP API JWT authorizer does (signature, issuer, audience, expiry)
   * and returns its claims, or undefined.
   */
  verify(token: string, now = Math.floor(realNow() / 1000)): Record<string, unknown> | undefined {
    const [header, body, signature] = token.split('.');
    if (!header || !body || !signature) return undefined;
    const valid = verify(
      'sha256',
      Buffer.from(`${header}.${body}`),
      this.publicKey,
      Buffer.from(signature, 'base64url'),
    );
    if (!valid) return undefined;
    let claims: Record<string, unknown>;
    try {
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      return undefined;
    }
    if (claims.iss !== this.issuer || claims.aud !== LOCAL_AUDIENCE) return undefined;
    if (typeof claims.exp !== 'number' || claims.exp < now) return undefined;
    return claims;
  }
}

/** API Gateway hands JWT claims to Lambda as strings; arrays become `[a b]`. */
export function claimsAsApiGatewayPassesThem(claims: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(claims).map(([k, v]) => [k, Array.isArray(v) ? `[${v.join(' ')}]` : String(v)]),
  );
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}
