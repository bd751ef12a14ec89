import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPARTMENT_IDS } from '#config/catalogue.ts';
import { startTestStack, type TestStack } from '../harness/local-stack.ts';

/** The API Gateway + Cognito stand-in, used as the web app and scripts use it. */
let t: TestStack;
let base: string;

beforeAll(async () => {
  t = await startTestStack();
  base = t.stack.urls.web;
});
afterAll(async () => {
  await t?.stop();
});

async function tokenFor(username: string): Promise<string> {
  const response = await fetch(`${base}/api/local/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

describe('local API Gateway and sign-in', () => {
  it('reports every local service with its URL and state at GET /api/health', async () => {
    const response = await fetch(`${base}/api/health`);
    expect(response.status).toBe(200);
    const health = (await response.json()) as {
      status: string;
      services: Record<string, { url: string; state: string }>;
    };
    expect(health.status).toBe('ok');
    expect(Object.keys(health.services).sort()).toEqual(
      ['api', 'dynamodb', 's3', 'sesOutbox', 'smtp', 'stepFunctions', 'web'].sort(),
    );
    for (const service of Object.values(health.services)) {
      expect(service.state).toBe('up');
      expect(service.url).toMatch(/^(http|smtp):\/\/127\.0\.0\.1:\d+/);
    }
    // A script can find the outbox from here and read it.
    const outbox = await fetch(`${health.services.sesOutbox?.url}/store`);
    expect(outbox.status).toBe(200);
  });

  it('lists one demo user per staff role in each of two areas, and for departments one per department', async () => {
    const { users } = (await (await fetch(`${base}/api/local/users`)).json()) as {
      users: { username: string; role: string; area: string; name?: string; department?: string }[];
    };
    // Each department of the catalogue its own person in each area, named, with a display name.
    for (const user of users) expect(user.name, user.username).toMatch(/\S/);
    expect(users.filter((u) => u.role === 'department').map((u) => u.username)).toContain(
      'engineering.kowloon-east',
    );
    const roles = [
      'reception',
      'followup',
      'supervisor',
      'department',
      'customer-service',
      'manager',
      'clerk',
    ];
    const areas = [...new Set(users.map((u) => u.area))];
    expect(areas).toHaveLength(2);
    for (const area of areas) {
      expect(
        users
          .filter((u) => u.area === area && u.role !== 'department')
          .map((u) => u.role)
          .sort(),
      ).toEqual(roles.filter((role) => role !== 'department').sort());
      expect(
        users
          .filter((u) => u.area === area && u.role === 'department')
          .map((u) => u.department)
          .sort(),
      ).toEqual(DEPARTMENT_IDS.slice().sort());
    }
  });

  it('signs a demo user in and passes Cognito-shaped claims to the handler', async () => {
    const token = await tokenFor('supervisor.hk-island');
    const response = await fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.json()).toMatchObject({
      username: 'supervisor.hk-island',
      role: 'supervisor',
      area: 'hk-island',
      roleName: { zhHant: '主任' },
    });
  });

  it('answers 401 without a token, with a tampered token, and for an unknown user a 400 naming the field', async () => {
    expect((await fetch(`${base}/api/me`)).status).toBe(401);
    const token = await tokenFor('clerk.kowloon-east');
    const [header, body, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(String(body), 'base64url').toString());
    claims['cognito:groups'] = ['manager'];
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    expect((await fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${forged}` } })).status).toBe(
      401,
    );

    const unknown = await fetch(`${base}/api/local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'nobody' }),
    });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({
      errors: [{ field: 'username', message: 'Unknown demo user: GET /api/local/users lists them' }],
    });
  });

  it('answers 404 for unknown API paths and 405 for a known path with the wrong method', async () => {
    expect((await fetch(`${base}/api/nowhere`)).status).toBe(404);
    expect((await fetch(`${base}/api/me`, { method: 'DELETE' })).status).toBe(405);
  });

  it('serves the web app at / and does not serve files outside it', async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('投訴處理');
    const traversal = await fetch(`${base}/..%2f..%2fpackage.json`);
    expect(await traversal.text()).not.toContain('"devDependencies"');
  });
});
