import { DEPARTMENT_GROUP_PREFIX } from '#config/roles.ts';

/**
 * Who is signed in, and how: locally, a demo user picked on the sign-in page gets tokens from
 * the local stack's `/api/local/token`; deployed, Cognito's hosted sign-in (authorization
 * code with PKCE; the ID token carries the role group and `custom:area` the API reads).
 * Either way the app keeps a refresh token and renews the hour-long ID token at the sign-in
 * domain's `/oauth2/token`, so staff stay signed in for the working day; signing out revokes
 * it at `/oauth2/revoke`. Locally that domain is the local stack itself (local/gateway/auth.ts).
 * `/config.json` says which (CDK writes the deployed one).
 */
export interface AppConfig {
  readonly apiUrl: string;
  readonly auth:
    | {
        readonly kind: 'local';
        /** Where `/oauth2/token` and `/oauth2/revoke` are. @default apiUrl (the local stack) */
        readonly domain?: string;
        /** @default 'local-web-client' (local/gateway/auth.ts LOCAL_AUDIENCE) */
        readonly clientId?: string;
      }
    | { readonly kind: 'cognito'; readonly domain: string; readonly clientId: string };
}

export interface Session {
  readonly token: string;
  readonly username: string;
  readonly role: string;
  readonly area: string;
  /** A department member's department (their `department-<id>` group). */
  readonly department?: string;
  /** The display name (the `name` claim); the login id when the token has none. */
  readonly name: string;
  /** Seconds since the epoch. */
  readonly iat: number;
  /** Seconds since the epoch. */
  readonly exp: number;
}

let config: AppConfig = { apiUrl: '', auth: { kind: 'local' } };

export async function loadConfig(): Promise<AppConfig> {
  try {
    const response = await fetch('/config.json', { cache: 'no-store' });
    if (response.ok) {
      const loaded = (await response.json()) as Partial<AppConfig>;
      config = { apiUrl: (loaded.apiUrl ?? '').replace(/\/+$/, ''), auth: loaded.auth ?? { kind: 'local' } };
    }
  } catch {
    // The local defaults stand.
  }
  return config;
}

export function appConfig(): AppConfig {
  return config;
}

/** The sign-in domain's token endpoints and the app client they know this app as. */
function tokenEndpoints(): { domain: string; clientId: string } {
  const auth = config.auth;
  if (auth.kind === 'cognito') return { domain: auth.domain.replace(/\/+$/, ''), clientId: auth.clientId };
  return {
    domain: (auth.domain ?? config.apiUrl).replace(/\/+$/, ''),
    clientId: auth.clientId ?? 'local-web-client',
  };
}

/**
 * Both tokens are kept in localStorage, as the ID token always was: staff open task notices
 * from their email in new tabs, which sessionStorage would sign out, and a reload must not
 * lose the session. What guards them is the CSP without inline or third-party script (no
 * injected script can read them), the refresh token's working-day lifetime, and sign-out,
 * which revokes it at Cognito before forgetting it here.
 */
const ID_TOKEN_KEY = 'session';
const REFRESH_TOKEN_KEY = 'session.refresh';

function stored(key: string): string | undefined {
  try {
    return localStorage.getItem(key) ?? undefined;
  } catch {
    return undefined; // No storage: not signed in.
  }
}

/** The claims the app shows; the API checks the token itself. */
export function sessionFromToken(token: string): Session | undefined {
  try {
    const payload = token.split('.')[1] ?? '';
    const json = decodeURIComponent(
      [...atob(payload.replace(/-/g, '+').replace(/_/g, '/'))]
        .map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
        .join(''),
    );
    const claims = JSON.parse(json) as Record<string, unknown>;
    const groups = claims['cognito:groups'];
    const groupList = Array.isArray(groups) ? groups.map(String) : [];
    const role = groupList.find((group) => !group.startsWith(DEPARTMENT_GROUP_PREFIX)) ?? '';
    const department = groupList
      .find((group) => group.startsWith(DEPARTMENT_GROUP_PREFIX))
      ?.slice(DEPARTMENT_GROUP_PREFIX.length);
    const username = String(claims['cognito:username'] ?? claims.email ?? '');
    return {
      token,
      username,
      role,
      area: String(claims['custom:area'] ?? ''),
      ...(department ? { department } : {}),
      name: typeof claims.name === 'string' && claims.name !== '' ? claims.name : username,
      iat: Number(claims.iat ?? 0),
      exp: Number(claims.exp ?? 0),
    };
  } catch {
    return undefined;
  }
}

/**
 * The signed-in user, or undefined. With a refresh token the session outlives its ID token:
 * the API client renews the token before it is sent (api.ts).
 */
export function currentSession(): Session | undefined {
  const token = stored(ID_TOKEN_KEY);
  const session = token ? sessionFromToken(token) : undefined;
  if (!session) return undefined;
  if (session.exp * 1000 > Date.now() || stored(REFRESH_TOKEN_KEY)) return session;
  return undefined;
}

/**
 * Whether the session's ID token should be renewed before it is sent: in its last five
 * minutes (a fifth of its life, when it lives under 25 minutes), so no request carries a
 * token that expires on the way.
 */
export function needsRefresh(session: Session, now = Date.now()): boolean {
  const margin = Math.min(300, Math.max(0, session.exp - session.iat) / 5);
  return session.exp - margin <= now / 1000;
}

function saveTokens(idToken: string, refreshToken: string | undefined): Session | undefined {
  const session = sessionFromToken(idToken);
  if (!session) return undefined;
  localStorage.setItem(ID_TOKEN_KEY, idToken);
  if (refreshToken) localStorage.setItem(REFRESH_TOKEN_KEY, refreshToken);
  return session;
}

export function clearSession(): void {
  try {
    localStorage.removeItem(ID_TOKEN_KEY);
    localStorage.removeItem(REFRESH_TOKEN_KEY);
  } catch {
    // No storage: nothing kept.
  }
}

/**
 * `refreshed`: a new ID token is stored. `ended`: the refresh token is gone, expired or revoked
 * (`invalid_grant`), so only signing in again helps. `unavailable`: the sign-in domain could
 * not be reached or failed; the session may still be good, so nothing is forgotten.
 */
export type RefreshOutcome = 'refreshed' | 'ended' | 'unavailable';

let refreshing: Promise<RefreshOutcome> | undefined;

/** Trades the refresh token for a new ID token; requests made meanwhile share the one exchange. */
export function refreshSession(): Promise<RefreshOutcome> {
  refreshing ??= exchangeRefreshToken().finally(() => {
    refreshing = undefined;
  });
  return refreshing;
}

async function exchangeRefreshToken(): Promise<RefreshOutcome> {
  const refreshToken = stored(REFRESH_TOKEN_KEY);
  if (!refreshToken) return 'ended';
  const { domain, clientId } = tokenEndpoints();
  let response: Response;
  try {
    response = await fetch(`${domain}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: clientId,
        refresh_token: refreshToken,
      }),
    });
  } catch {
    return 'unavailable';
  }
  // Cognito answers 400 invalid_grant for an expired or revoked refresh token; any 400 means
  // this token will never work again.
  if (response.status === 400 || response.status === 401) return 'ended';
  if (!response.ok) return 'unavailable';
  try {
    const answer = (await response.json()) as { id_token?: string; refresh_token?: string };
    // Another tab may have signed out meanwhile: then this answer is not kept.
    if (stored(REFRESH_TOKEN_KEY) !== refreshToken) return stored(REFRESH_TOKEN_KEY) ? 'refreshed' : 'ended';
    // With refresh-token rotation on, Cognito sends a new refresh token too.
    return answer.id_token && saveTokens(answer.id_token, answer.refresh_token ?? refreshToken)
      ? 'refreshed'
      : 'unavailable';
  } catch {
    return 'unavailable';
  }
}

/** Local demo sign-in. */
export async function signInLocal(username: string): Promise<Session | undefined> {
  const response = await fetch(`${config.apiUrl}/api/local/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username }),
  });
  if (!response.ok) return undefined;
  const answer = (await response.json()) as { id_token: string; refresh_token?: string };
  return saveTokens(answer.id_token, answer.refresh_token);
}

/** A local demo user as the sign-in page lists them. */
export interface DemoUserEntry {
  readonly username: string;
  readonly role: string;
  readonly area: string;
  readonly name?: string;
  readonly department?: string;
}

export async function demoUsers(): Promise<DemoUserEntry[]> {
  const response = await fetch(`${config.apiUrl}/api/local/users`);
  if (!response.ok) return [];
  return ((await response.json()) as { users: DemoUserEntry[] }).users;
}

const redirectUri = () => `${location.origin}/sign-in`;

function randomString(bytes: number): string {
  const data = crypto.getRandomValues(new Uint8Array(bytes));
  return base64url(data);
}

function base64url(data: Uint8Array): string {
  return btoa(String.fromCharCode(...data))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/** Cognito hosted sign-in: off to the hosted page, back to /sign-in with a code. */
export async function startHostedSignIn(): Promise<void> {
  if (config.auth.kind !== 'cognito') return;
  const verifier = randomString(32);
  const state = randomString(16);
  sessionStorage.setItem('pkce', JSON.stringify({ verifier, state }));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: config.auth.clientId,
    redirect_uri: redirectUri(),
    scope: 'openid email profile',
    state,
    code_challenge: base64url(digest),
    code_challenge_method: 'S256',
  });
  location.assign(`${config.auth.domain}/oauth2/authorize?${query}`);
}

/** Finishes the hosted sign-in on return to /sign-in?code=…&state=…. */
export async function finishHostedSignIn(code: string, state: string): Promise<Session | undefined> {
  if (config.auth.kind !== 'cognito') return undefined;
  const saved = JSON.parse(sessionStorage.getItem('pkce') ?? '{}') as { verifier?: string; state?: string };
  sessionStorage.removeItem('pkce');
  if (!saved.verifier || saved.state !== state) return undefined;
  const response = await fetch(`${config.auth.domain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: config.auth.clientId,
      code,
      redirect_uri: redirectUri(),
      code_verifier: saved.verifier,
    }),
  });
  if (!response.ok) return undefined;
  const answer = (await response.json()) as { id_token: string; refresh_token?: string };
  return saveTokens(answer.id_token, answer.refresh_token);
}

/**
 * Forgets the session here, revokes its refresh token (so a copy of it is worthless), then,
 * deployed, ends the hosted sign-in's own session too.
 */
export async function signOut(): Promise<void> {
  const refreshToken = stored(REFRESH_TOKEN_KEY);
  clearSession();
  const { domain, clientId } = tokenEndpoints();
  if (refreshToken) {
    try {
      await fetch(`${domain}/oauth2/revoke`, {
        method: 'POST',
        // Finishes even if the page moves on to the hosted sign-out first.
        keepalive: true,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: refreshToken, client_id: clientId }),
      });
    } catch {
      // Unreachable: this browser has forgotten the token anyway; it expires within the day.
    }
  }
  if (config.auth.kind === 'cognito') {
    const query = new URLSearchParams({ client_id: config.auth.clientId, logout_uri: redirectUri() });
    location.assign(`${config.auth.domain}/logout?${query}`);
  }
}
