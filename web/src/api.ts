import { appConfig, clearSession, currentSession } from './auth.ts';

/** What the API answered when it was not a success. */
export class ApiError extends Error {
  readonly status: number;
  /** 400: field-level problems, as the API words them (the app shows its own text). */
  readonly fields: { field: string; message: string }[];
  constructor(status: number, message: string, fields: { field: string; message: string }[] = []) {
    super(message);
    this.status = status;
    this.fields = fields;
  }
}

let onSignedOut: () => void = () => undefined;

/** What to do when the API says the session is no longer valid (401). */
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

/** Calls the staff API as the signed-in user. Network failures come back as status 0. */
export async function api<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<T> {
  const session = currentSession();
  let response: Response;
  try {
    response = await fetch(`${appConfig().apiUrl}${path}`, {
      method,
      headers: {
        ...(session ? { authorization: `Bearer ${session.token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'network');
  }
  const text = await response.text();
  let parsed: unknown = {};
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = {};
  }
  if (response.ok) return parsed as T;
  const answer = parsed as { message?: string; errors?: { field: string; message: string }[] };
  if (response.status === 401 && session) {
    clearSession();
    onSignedOut();
  }
  throw new ApiError(response.status, answer.message ?? response.statusText, answer.errors ?? []);
}

/** Calls an owner-page endpoint (no sign-in): the answer's status and body, whatever they are. */
export async function ownerApi<T>(method: 'GET' | 'POST', path: string, body?: unknown) {
  const response = await fetch(`${appConfig().apiUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
}
