/**
 * Who is signed in, and how: locally, a demo user picked on the sign-in page gets a token from
 * the local stack's `/api/local/token`; deployed, Cognito's hosted sign-in (authorization
 * code with PKCE; the ID token carries the role group and `custom:area` the API reads).
 * `/config.json` says which (CDK writes the deployed one).
 */
export interface AppConfig {
  readonly apiUrl: string;
  readonly auth:
    | { readonly kind: 'local' }
    | { readonly kind: 'cognito'; readonly domain: string; readonly clientId: string };
}

export interface Session {
  readonly token: string;
  readonly username: string;
  readonly role: string;
  readonly area: string;
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

const SESSION_KEY = 'session';

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
    const role = Array.isArray(groups) ? String(groups[0] ?? '') : '';
    return {
      token,
      username: String(claims['cognito:username'] ?? claims.email ?? ''),
      role,
      area: String(claims['custom:area'] ?? ''),
      exp: Number(claims.exp ?? 0),
    };
  } catch {
    return undefined;
  }
}

export function currentSession(): Session | undefined {
  try {
    const token = localStorage.getItem(SESSION_KEY);
    const session = token ? sessionFromToken(token) : undefined;
    if (session && session.exp * 1000 > Date.now()) return session;
  } catch {
    // No storage: not signed in.
  }
  return undefined;
}

export function saveSession(token: string): Session | undefined {
  const session = sessionFromToken(token);
  if (session) localStorage.setItem(SESSION_KEY, token);
  return session;
}

export function clearSession(): void {
  localStorage.removeItem(SESSION_KEY);
}

/** Local demo sign-in. */
export async function signInLocal(username: string): Promise<Session | undefined> {
  const response = await fetch(`${config.apiUrl}/api/local/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username }),
  });
  if (!response.ok) return undefined;
  return saveSession(((await response.json()) as { token: string }).token);
}

export async function demoUsers(): Promise<{ username: string; role: string; area: string }[]> {
  const response = await fetch(`${config.apiUrl}/api/local/users`);
  if (!response.ok) return [];
  return ((await response.json()) as { users: { username: string; role: string; area: string }[] }).users;
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
  return saveSession(((await response.json()) as { id_token: string }).id_token);
}

export function signOut(): void {
  clearSession();
  if (config.auth.kind === 'cognito') {
    const query = new URLSearchParams({ client_id: config.auth.clientId, logout_uri: redirectUri() });
    location.assign(`${config.auth.domain}/logout?${query}`);
  }
}
