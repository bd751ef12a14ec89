import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, routeFunction } from '#config/routes.ts';
import { type LocalApi, startApi } from '../../local/gateway/api-gateway.ts';
import { LOCAL_AUDIENCE, LocalIssuer } from '../../local/gateway/auth.ts';
import type { LocalHandler } from '../../local/runtime/lambda-runtime.ts';
import { installScaledClock } from '../../local/runtime/scaled-clock.ts';

/**
 * The local Cognito stand-in's sessions, over HTTP as the web app uses them: sign-in at
 * `/api/local/token` gives an ID token and a refresh token; `/oauth2/token` renews the ID
 * token; `/oauth2/revoke` ends the session. Every handler behind the API is a stub that
 * echoes the authorizer's claims, so what is tested is only what the API Gateway stand-in
 * lets through. The clock is the test's: an hour or a day passes in a line.
 */
const HOUR = 3600_000;
let dataDir: string;
let keyFile: string;
let clock: number;
let issuer: LocalIssuer;
let api: LocalApi;

const echoClaims: LocalHandler = async (event) => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(
    (event as { requestContext: { authorizer?: { jwt: { claims: unknown } } } }).requestContext.authorizer
      ?.jwt.claims ?? {},
  ),
});

async function startWith(options: ConstructorParameters<typeof LocalIssuer>[2]): Promise<void> {
  await api?.stop();
  issuer = new LocalIssuer('urn:local:test', keyFile, options);
  api = await startApi({
    port: 0,
    issuer,
    handlers: new Map(ROUTES.map((route) => [routeFunction(route).id, echoClaims])),
    webRoot: dataDir,
    health: async () => ({}),
    log: () => undefined,
  });
}

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'local-token-'));
  keyFile = join(dataDir, 'jwt-signing-key.pem');
});
afterAll(async () => {
  await api?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function signIn(username: string) {
  const response = await fetch(`${api.url}/api/local/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as {
    token: string;
    id_token: string;
    refresh_token: string;
    expires_in: number;
    token_type: string;
  };
}

/** POSTs form fields to `/oauth2/<endpoint>`, as the web app does (web/src/auth.ts). */
async function oauth(endpoint: 'token' | 'revoke', fields: Record<string, string>) {
  const response = await fetch(`${api.url}/oauth2/${endpoint}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
}

const refresh = (refreshToken: string, clientId = LOCAL_AUDIENCE) =>
  oauth('token', { grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken });

const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(String(token.split('.')[1]), 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;

async function me(idToken: string): Promise<number> {
  return (await fetch(`${api.url}/api/me`, { headers: { authorization: `Bearer ${idToken}` } })).status;
}

describe('local sign-in sessions (the Cognito stand-in)', () => {
  beforeAll(async () => {
    clock = Date.UTC(2026, 10, 2, 1, 0);
    await startWith({ now: () => clock });
  });

  it('signs in with an hour-long ID token and an opaque, random refresh token', async () => {
    const first = await signIn('reception.kowloon-east');
    const second = await signIn('reception.kowloon-east');
    expect(first).toMatchObject({ expires_in: 3600, token_type: 'Bearer' });
    expect(first.token).toBe(first.id_token);
    const claims = claimsOf(first.id_token);
    expect(claims.exp).toBe(Number(claims.iat) + 3600);
    expect(claims).toMatchObject({ 'cognito:username': 'reception.kowloon-east', token_use: 'id' });
    // Nothing in the refresh token says whose it is or when it ends: 32 random bytes.
    expect(first.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.refresh_token).not.toBe(second.refresh_token);
    expect(await me(first.id_token)).toBe(200);
  });

  it('renews the ID token with grant_type=refresh_token, for the same sign-in', async () => {
    const signedIn = await signIn('supervisor.hk-island');
    clock += 55 * 60_000;
    const renewed = await refresh(signedIn.refresh_token);
    expect(renewed.status).toBe(200);
    expect(Object.keys(renewed.body).sort()).toEqual(['expires_in', 'id_token', 'token_type']);
    expect(renewed.body).toMatchObject({ expires_in: 3600, token_type: 'Bearer' });
    const before = claimsOf(signedIn.id_token);
    const after = claimsOf(String(renewed.body.id_token));
    expect(after.iat).toBe(Number(before.iat) + 55 * 60);
    // As Cognito's: the same user and sign-in time, the same origin_jti, a new jti.
    for (const claim of ['cognito:username', 'cognito:groups', 'custom:area', 'auth_time', 'origin_jti'])
      expect(after[claim], claim).toEqual(before[claim]);
    expect(after.jti).not.toBe(before.jti);

    // An hour on, the first ID token is refused and the renewed one still taken.
    clock += 10 * 60_000;
    expect(await me(signedIn.id_token)).toBe(401);
    expect(await me(String(renewed.body.id_token))).toBe(200);
  });

  it('answers invalid_grant for an unknown refresh token, and once it has expired (12 hours)', async () => {
    expect(await refresh('not-a-token-we-issued')).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Invalid Refresh Token' },
    });
    const signedIn = await signIn('clerk.kowloon-east');
    clock += 12 * HOUR - 1000;
    expect((await refresh(signedIn.refresh_token)).status).toBe(200);
    clock += 1000;
    expect(await refresh(signedIn.refresh_token)).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
  });

  it('revokes a refresh token at /oauth2/revoke: it renews nothing more, and revoking again is fine', async () => {
    const signedIn = await signIn('manager.hk-island');
    const other = await signIn('manager.hk-island');
    const revoked = await oauth('revoke', { token: signedIn.refresh_token, client_id: LOCAL_AUDIENCE });
    expect(revoked).toEqual({ status: 200, body: undefined });
    expect(await refresh(signedIn.refresh_token)).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
    expect((await oauth('revoke', { token: signedIn.refresh_token, client_id: LOCAL_AUDIENCE })).status).toBe(
      200,
    );
    // Only that session ended: the same person signed in elsewhere carries on.
    expect((await refresh(other.refresh_token)).status).toBe(200);
  });

  it('keeps sessions across a restart, by hash only; revoked and expired ones stay dead', async () => {
    const kept = await signIn('engineering.kowloon-east');
    const revoked = await signIn('engineering.kowloon-east');
    await oauth('revoke', { token: revoked.refresh_token, client_id: LOCAL_AUDIENCE });
    const journal = readFileSync(join(dataDir, 'refresh-tokens.jsonl'), 'utf8');
    expect(journal).not.toContain(kept.refresh_token);
    expect(journal).not.toContain('"refresh_token"');

    await startWith({ now: () => clock });
    expect((await refresh(kept.refresh_token)).status).toBe(200);
    expect((await refresh(revoked.refresh_token)).body).toMatchObject({ error: 'invalid_grant' });
    clock += 13 * HOUR;
    await startWith({ now: () => clock });
    expect((await refresh(kept.refresh_token)).body).toMatchObject({ error: 'invalid_grant' });
  });

  it('says what is wrong with a malformed request, as Cognito’s endpoints do', async () => {
    const { refresh_token } = await signIn('followup.hk-island');
    const json = await fetch(`${api.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'refresh_token', client_id: LOCAL_AUDIENCE, refresh_token }),
    });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ error: 'invalid_request' });
    expect((await oauth('token', { client_id: LOCAL_AUDIENCE, refresh_token })).body).toMatchObject({
      error: 'invalid_request',
      error_description: 'grant_type is missing',
    });
    expect(
      (await oauth('token', { grant_type: 'refresh_token', client_id: LOCAL_AUDIENCE })).body,
    ).toMatchObject({ error: 'invalid_request', error_description: 'refresh_token is missing' });
    expect(
      (await oauth('token', { grant_type: 'authorization_code', client_id: LOCAL_AUDIENCE, code: 'x' })).body,
    ).toMatchObject({ error: 'unsupported_grant_type' });
    expect((await refresh(refresh_token, 'another-client')).body).toMatchObject({ error: 'invalid_client' });
    expect((await oauth('revoke', { client_id: LOCAL_AUDIENCE })).body).toMatchObject({
      error: 'invalid_request',
      error_description: 'token is missing',
    });
    expect((await fetch(`${api.url}/oauth2/token`)).status).toBe(405);
    // A wrong client cannot revoke someone's session.
    expect((await oauth('revoke', { token: refresh_token, client_id: 'another-client' })).status).toBe(400);
    expect((await refresh(refresh_token)).status).toBe(200);
  });

  it('takes short lifetimes for tests, and refuses nonsense ones', async () => {
    await startWith({ now: () => clock, idTokenSeconds: 5, refreshTokenSeconds: 60 });
    const signedIn = await signIn('reception.hk-island');
    expect(signedIn.expires_in).toBe(5);
    clock += 6000;
    expect(await me(signedIn.id_token)).toBe(401);
    const renewed = await refresh(signedIn.refresh_token);
    expect(await me(String(renewed.body.id_token))).toBe(200);
    clock += 60_000;
    expect((await refresh(signedIn.refresh_token)).body).toMatchObject({ error: 'invalid_grant' });
    expect(() => new LocalIssuer('urn:local:test', undefined, { idTokenSeconds: 0 })).toThrow(
      'idTokenSeconds must be a whole number of seconds ≥ 1',
    );
  });
});

describe('tokens under TIME_SCALE', () => {
  let restoreClock: (() => void) | undefined;
  afterEach(() => restoreClock?.());

  it('keep real time while workflow time runs 3600 times faster', async () => {
    // The issuer's default clock: real time, whatever Date says.
    await startWith({});
    restoreClock = installScaledClock(3600);
    const signedIn = await signIn('reception.kowloon-east');
    const startedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(Date.now() - startedAt).toBeGreaterThan(HOUR); // an hour and more of workflow time…
    expect(await me(signedIn.id_token)).toBe(200); // …and the ID token still good
    expect((await refresh(signedIn.refresh_token)).status).toBe(200);
  });
});
