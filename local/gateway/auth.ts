import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  randomUUID,
  sign,
  verify,
} from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { realNow } from '../runtime/scaled-clock.ts';
import { DEMO_USERS, type DemoUser, groupsOf } from './demo-users.ts';

/**
 * The local stand-in for Cognito: demo staff users (one per role in each area), an issuer
 * of RS256 ID tokens with the claims Cognito puts in them, and refresh tokens the web app
 * trades for new ID tokens at `/oauth2/token`, as it does with Cognito's hosted domain. Only
 * the local stack has this; a deployment signs in through the Cognito hosted UI.
 */

/** The local app client: the ID token's audience, and the `client_id` of the token endpoints. */
export const LOCAL_AUDIENCE = 'local-web-client';

/**
 * How long tokens last. The defaults are the deployed app client's (lib/constructs/staff-api.ts:
 * an hour for ID tokens, a working day for refresh tokens), so the web app refreshes locally
 * exactly when it would deployed. Tests shorten them to see expiry happen.
 */
export interface LocalTokenLifetimes {
  /** @default 3600 */
  readonly idTokenSeconds?: number;
  /** @default 12 hours */
  readonly refreshTokenSeconds?: number;
}

export interface LocalIssuerOptions extends LocalTokenLifetimes {
  /** Wall-clock milliseconds. Tokens keep real time whatever TIME_SCALE says. @default realNow */
  readonly now?: () => number;
}

export { DEMO_USERS, type DemoUser } from './demo-users.ts';

/** What signing in gives: the ID token the API takes, and the refresh token that renews it. */
export interface SignedIn {
  readonly idToken: string;
  readonly refreshToken: string;
  /** The ID token's lifetime, in seconds. */
  readonly expiresIn: number;
}

/** A refresh token's session, kept under the token's SHA-256: the token itself is never stored. */
interface RefreshSession {
  readonly username: string;
  readonly clientId: string;
  /** Seconds since the epoch: when the user signed in (the ID tokens' `auth_time`). */
  readonly authTime: number;
  /** Seconds since the epoch. */
  readonly expiresAt: number;
  /** Cognito's `origin_jti`: the same in every ID token renewed from this refresh token. */
  readonly originJti: string;
}

type JournalLine = ({ issued: string } & RefreshSession) | { revoked: string };

/** An error of the OAuth token and revocation endpoints, as Cognito words it (RFC 6749 §5.2). */
export interface OAuthError {
  readonly status: 400;
  readonly error: 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type';
  readonly description: string;
}

export class LocalIssuer {
  readonly issuer: string;
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  private readonly idTokenSeconds: number;
  private readonly refreshTokenSeconds: number;
  private readonly nowMs: () => number;
  private readonly refreshSessions = new Map<string, RefreshSession>();
  private readonly journal: string | undefined;
  private issuedSinceSweep = 0;

  /**
   * @param keyFile where the signing key is kept, so tokens survive a restart; refresh tokens
   *   are journalled beside it (`refresh-tokens.jsonl`, by hash), so sessions survive it too
   */
  constructor(issuer: string, keyFile?: string, options: LocalIssuerOptions = {}) {
    this.issuer = issuer;
    this.idTokenSeconds = positiveSeconds(options.idTokenSeconds ?? 3600, 'idTokenSeconds');
    this.refreshTokenSeconds = positiveSeconds(
      options.refreshTokenSeconds ?? 12 * 3600,
      'refreshTokenSeconds',
    );
    this.nowMs = options.now ?? realNow;
    if (keyFile && existsSync(keyFile)) {
      this.privateKey = createPrivateKey(readFileSync(keyFile));
    } else {
      this.privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
      if (keyFile)
        writeFileSync(keyFile, this.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    }
    this.publicKey = createPublicKey(this.privateKey);
    this.journal = keyFile ? join(dirname(keyFile), 'refresh-tokens.jsonl') : undefined;
    this.loadJournal();
  }

  private now(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  /** Signs a demo user in (the local sign-in page's `/api/local/token`). */
  signIn(username: string, clientId = LOCAL_AUDIENCE): SignedIn | undefined {
    const user = DEMO_USERS.find((u) => u.username === username);
    if (!user) return undefined;
    const now = this.now();
    // Opaque and random, as Cognito's are to the app: nothing in it says whose it is.
    const refreshToken = randomBytes(32).toString('base64url');
    const session: RefreshSession = {
      username: user.username,
      clientId,
      authTime: now,
      expiresAt: now + this.refreshTokenSeconds,
      originJti: randomUUID(),
    };
    this.refreshSessions.set(hashOf(refreshToken), session);
    this.record({ issued: hashOf(refreshToken), ...session });
    this.sweepNowAndThen(now);
    return { idToken: this.idToken(user, session, now), refreshToken, expiresIn: this.idTokenSeconds };
  }

  /** `grant_type=refresh_token`: a new ID token, or `invalid_grant` as Cognito answers. */
  refresh(refreshToken: string, clientId: string): { idToken: string; expiresIn: number } | OAuthError {
    if (clientId !== LOCAL_AUDIENCE) return invalidClient(clientId);
    const now = this.now();
    const session = this.refreshSessions.get(hashOf(refreshToken));
    // Cognito does not say which: unknown, expired, revoked and another client's look alike.
    const user = session && DEMO_USERS.find((u) => u.username === session.username);
    if (!session || !user || session.expiresAt <= now || session.clientId !== clientId) {
      return { status: 400, error: 'invalid_grant', description: 'Invalid Refresh Token' };
    }
    return { idToken: this.idToken(user, session, now), expiresIn: this.idTokenSeconds };
  }

  /**
   * `/oauth2/revoke`: the refresh token no longer renews anything. Revoking a token that is
   * unknown or already revoked succeeds, as RFC 7009 and Cognito have it.
   */
  revoke(refreshToken: string, clientId: string): OAuthError | undefined {
    if (clientId !== LOCAL_AUDIENCE) return invalidClient(clientId);
    const hash = hashOf(refreshToken);
    const session = this.refreshSessions.get(hash);
    if (session && session.clientId === clientId) {
      this.refreshSessions.delete(hash);
      this.record({ revoked: hash });
    }
    return undefined;
  }

  private idToken(user: DemoUser, session: RefreshSession, now: number): string {
    const claims = {
      sub: createHash('sha256').update(user.username).digest('hex').slice(0, 32),
      'cognito:username': user.username,
      'cognito:groups': groupsOf(user),
      'custom:area': user.area,
      email: user.email,
      name: user.name,
      email_verified: true,
      iss: this.issuer,
      aud: session.clientId,
      token_use: 'id',
      // With token revocation on, Cognito puts both in: a token's own id, and its refresh token's.
      jti: randomUUID(),
      origin_jti: session.originJti,
      auth_time: session.authTime,
      iat: now,
      exp: now + this.idTokenSeconds,
    };
    const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'local' }));
    const body = base64url(JSON.stringify(claims));
    const signature = sign('sha256', Buffer.from(`${header}.${body}`), this.privateKey).toString('base64url');
    return `${header}.${body}.${signature}`;
  }

  /**
   * Checks a token as the HTTP API JWT authorizer does (signature, issuer, audience, expiry)
   * and returns its claims, or undefined. Like API Gateway, it does not ask whether the
   * refresh token behind it was revoked: an ID token lives out its hour.
   */
  verify(token: string, now = this.now()): Record<string, unknown> | undefined {
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

  /** Appends to the journal: one line per sign-in or revocation, cheap however many scripts sign in. */
  private record(line: JournalLine): void {
    if (this.journal) appendFileSync(this.journal, `${JSON.stringify(line)}\n`, { mode: 0o600 });
  }

  /** Replays the journal, then rewrites it with the live sessions only. */
  private loadJournal(): void {
    if (!this.journal || !existsSync(this.journal)) return;
    for (const text of readFileSync(this.journal, 'utf8').split('\n')) {
      let line: JournalLine;
      try {
        line = JSON.parse(text) as JournalLine;
      } catch {
        continue; // a line cut short by a kill: that sign-in is forgotten
      }
      if ('revoked' in line) this.refreshSessions.delete(line.revoked);
      else if (typeof line.issued === 'string') {
        const { issued, ...session } = line;
        this.refreshSessions.set(issued, session);
      }
    }
    this.sweep(this.now());
    const live = [...this.refreshSessions].map(([issued, session]) => JSON.stringify({ issued, ...session }));
    writeFileSync(`${this.journal}.tmp`, live.map((l) => `${l}\n`).join(''), { mode: 0o600 });
    renameSync(`${this.journal}.tmp`, this.journal);
  }

  private sweepNowAndThen(now: number): void {
    if (++this.issuedSinceSweep < 256) return;
    this.issuedSinceSweep = 0;
    this.sweep(now);
  }

  private sweep(now: number): void {
    for (const [hash, session] of this.refreshSessions)
      if (session.expiresAt <= now) this.refreshSessions.delete(hash);
  }
}

/**
 * The local `/oauth2/token` and `/oauth2/revoke`, shaped as Cognito's (form-encoded in, JSON
 * out, `{"error": …}` with 400), so the web app's refresh and sign-out run the same code
 * locally as deployed. Signing in itself is the demo page's `/api/local/token`.
 */
export function oauthEndpoint(
  issuer: LocalIssuer,
  endpoint: 'token' | 'revoke',
  contentType: string,
  body: string,
): { status: number; body: Record<string, unknown> | undefined } {
  if (!/^application\/x-www-form-urlencoded\b/i.test(contentType)) {
    return oauthError({
      status: 400,
      error: 'invalid_request',
      description: 'Send the parameters form-encoded (content-type: application/x-www-form-urlencoded)',
    });
  }
  const form = new URLSearchParams(body);
  const clientId = form.get('client_id');
  if (!clientId) return oauthError(missing('client_id'));
  if (endpoint === 'revoke') {
    const token = form.get('token');
    if (!token) return oauthError(missing('token'));
    const failed = issuer.revoke(token, clientId);
    return failed ? oauthError(failed) : { status: 200, body: undefined };
  }
  const grantType = form.get('grant_type');
  if (grantType !== 'refresh_token') {
    return oauthError({
      status: 400,
      error: grantType ? 'unsupported_grant_type' : 'invalid_request',
      description: grantType
        ? `Locally only grant_type=refresh_token; sign in with POST /api/local/token`
        : 'grant_type is missing',
    });
  }
  const refreshToken = form.get('refresh_token');
  if (!refreshToken) return oauthError(missing('refresh_token'));
  const refreshed = issuer.refresh(refreshToken, clientId);
  if ('error' in refreshed) return oauthError(refreshed);
  // Cognito answers with an access token too; the app sends only the ID token (it carries the
  // role group and custom:area the handlers read), so the stand-in leaves it out.
  return {
    status: 200,
    body: { id_token: refreshed.idToken, expires_in: refreshed.expiresIn, token_type: 'Bearer' },
  };
}

function oauthError(error: OAuthError) {
  return { status: error.status, body: { error: error.error, error_description: error.description } };
}

function missing(parameter: string): OAuthError {
  return { status: 400, error: 'invalid_request', description: `${parameter} is missing` };
}

function invalidClient(clientId: string): OAuthError {
  return {
    status: 400,
    error: 'invalid_client',
    description: `Unknown client_id ${JSON.stringify(clientId.slice(0, 64))}: the local app client is ${LOCAL_AUDIENCE}`,
  };
}

function positiveSeconds(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number of seconds ≥ 1`);
  return value;
}

function hashOf(refreshToken: string): string {
  return createHash('sha256').update(refreshToken).digest('hex');
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
