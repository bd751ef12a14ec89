import type { TestStack } from './local-stack.ts';

export interface ApiAnswer<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
}

/**
 * Calls the staff API as a demo user, the way the web app does: a token from the local
 * issuer (fetched per call, so it is valid whatever the test clock says), then the request.
 */
export function staffClient(t: TestStack) {
  async function token(username: string): Promise<string> {
    const response = await fetch(`${t.stack.urls.web}/api/local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username }),
    });
    if (response.status !== 200) throw new Error(`No token for ${username}: ${response.status}`);
    return ((await response.json()) as { token: string }).token;
  }

  async function call<T = Record<string, unknown>>(
    username: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<ApiAnswer<T>> {
    const response = await fetch(`${t.stack.urls.web}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await token(username)}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
  }

  return {
    call,
    get: <T = Record<string, unknown>>(username: string, path: string) => call<T>(username, 'GET', path),
    post: <T = Record<string, unknown>>(username: string, path: string, body: unknown) =>
      call<T>(username, 'POST', path, body),
  };
}

export interface OutboxEmail {
  messageId: string;
  from: string;
  subject: string;
  destination: { to: string[] };
  body: { text?: string; html?: string };
  headers?: { name: string; value: string }[];
  at: number;
}

/**
 * Every email the product sent, from the local SES outbox. The outbox parses what it keeps raw
 * when it is read, and an email sent while it does comes back unparsed (no headers, no subject
 * yet): the store is read again until every email is whole, so a test never counts or misses an
 * email by racing the workflow's.
 */
export async function outbox(t: TestStack): Promise<OutboxEmail[]> {
  for (let attempt = 1; ; attempt++) {
    const store = (await (await fetch(`${t.stack.urls.sesOutbox}/store`)).json()) as {
      emails: OutboxEmail[];
    };
    if (attempt >= 20 || store.emails.every((email) => email.headers?.length)) return store.emails;
  }
}
