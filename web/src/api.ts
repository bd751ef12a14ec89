import { appConfig, clearSession, currentSession, needsRefresh, refreshSession } from './auth.ts';

/** What the API answered when it was not a success. */
export class ApiError extends Error {
  readonly status: number;
  /** 400: field-level problems, as the API words them (the app shows its own text). */
  readonly fields: { field: string; message: string }[];
  /** The answer's body as sent (e.g. an import's row errors, which are not field problems). */
  readonly answer: unknown;
  constructor(
    status: number,
    message: string,
    fields: { field: string; message: string }[] = [],
    answer: unknown = {},
  ) {
    super(message);
    this.status = status;
    this.fields = fields;
    this.answer = answer;
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
async function signedRequest(
  method: 'GET' | 'POST' | 'PATCH',
  path: string,
  body?: unknown,
): Promise<Response> {
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
  return response;
}

/** The ApiError of an answer that was not a success. */
async function failureOf(response: Response): Promise<ApiError> {
  const parsed = parsedBody(await response.text());
  const answer = parsed as { message?: string; errors?: { field: string; message: string }[] };
  return new ApiError(response.status, answer.message ?? response.statusText, answer.errors ?? [], parsed);
}

function parsedBody(text: string): unknown {
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    return {};
  }
}

/** Calls the staff API as the signed-in user (signedRequest) and reads its JSON answer. */
export async function api<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<T> {
  const response = await signedRequest(method, path, body);
  if (!response.ok) throw await failureOf(response);
  return parsedBody(await response.text()) as T;
}

/**
 * A file the staff API answers (an export), as the signed-in user: its bytes and the name its
 * Content-Disposition gives (else `fallback`), for a blob link to save it.
 */
export async function apiFile(path: string, fallback: string): Promise<{ blob: Blob; name: string }> {
  const response = await signedRequest('GET', path);
  if (!response.ok) throw await failureOf(response);
  let blob: Blob;
  try {
    blob = await response.blob();
  } catch {
    throw new ApiError(0, 'network');
  }
  const disposition = response.headers.get('content-disposition') ?? '';
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
  const plain = /filename="?([^";]+)"?/i.exec(disposition)?.[1];
  let name = fallback;
  try {
    name = encoded ? decodeURIComponent(encoded) : (plain ?? fallback);
  } catch {
    name = plain ?? fallback;
  }
  return { blob, name };
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
