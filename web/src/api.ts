import { appConfig, clearSession, currentSession, needsRefresh, refreshSession } from './auth.ts';

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

/** What to do when the session has ended for good (its refresh token expired or was revoked). */
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

function sessionEnded(): ApiError {
  clearSession();
  onSignedOut();
  return new ApiError(401, 'Unauthorized');
}

/**
 * Calls the staff API as the signed-in user. The ID token is renewed shortly before it
 * expires and, should the API still say 401 (a clock off, a token the API no longer takes),
 * once more, and the request sent again: the authorizer answers 401 before any handler runs,
 * so sending it again does nothing twice. Network failures come back as status 0.
 */
export async function api<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<T> {
  let session = currentSession();
  if (session && needsRefresh(session)) {
    const outcome = await refreshSession();
    if (outcome === 'ended') throw sessionEnded();
    // Unavailable: the token in hand may still do; if not, the API says so below.
    session = currentSession();
  }
  const send = async (token: string | undefined): Promise<Response> => {
    try {
      return await fetch(`${appConfig().apiUrl}${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new ApiError(0, 'network');
    }
  };
  let response = await send(session?.token);
  if (response.status === 401 && session) {
    const outcome = await refreshSession();
    if (outcome === 'ended') throw sessionEnded();
    if (outcome === 'unavailable') throw new ApiError(0, 'network');
    response = await send(currentSession()?.token);
    if (response.status === 401) throw sessionEnded();
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
