import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ROUTES, type RouteSpec, routeFunction, routeKey } from '#config/routes.ts';
import { invokeLocal, type LocalHandler } from '../runtime/lambda-runtime.ts';
import { closeServer, listenOnLoopback } from '../runtime/listen.ts';
import { claimsAsApiGatewayPassesThem, DEMO_USERS, type LocalIssuer, oauthEndpoint } from './auth.ts';

/** HTTP API payloads are capped at 10 MB; larger requests get 413, as from API Gateway. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
/**
 * Lambda's synchronous invocation limits, in bytes of the JSON that crosses the wire: the
 * event (RequestEntityTooLargeException: "Request must be smaller than 6291456 bytes") and the
 * function's result (Function.ResponseSizeTooLarge: "Response payload size exceeded maximum
 * allowed payload size (6291556 bytes)"). A body under API Gateway's 10 MB can still make an
 * event over Lambda's 6 MB (base64 adds a third), and a result over 6 MB never reaches the
 * client: API Gateway answers for the failed integration instead.
 */
export const LAMBDA_MAX_REQUEST_BYTES = 6_291_456;
/**
 * An HTTP API waits at most 30 s for its integration, whatever the function's own time limit,
 * then answers 503 `{"message":"Service Unavailable"}` (the function runs on). Work that takes
 * longer runs as a job of its own (the register import: lambdas/import-directory.ts).
 */
export const INTEGRATION_TIMEOUT_MS = 30_000;
export const LAMBDA_MAX_RESPONSE_BYTES = 6_291_556;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/**
 * The web app's response headers, as CloudFront's response headers policy sets them
 * (lib/constructs/web.ts), except that uploads go to S3 on any loopback port. No referrer, so
 * an owner's link never leaks to another site.
 */
const WEB_SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self' http://127.0.0.1:* http://localhost:*; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
} as const;

export interface LocalApiOptions {
  readonly port: number;
  readonly issuer: LocalIssuer;
  /** Function id (config/functions.ts) → handler. */
  readonly handlers: ReadonlyMap<string, LocalHandler>;
  /** The built web app (served at `/`). */
  readonly webRoot: string;
  /** Answers `GET /api/health`. */
  readonly health: () => Promise<Record<string, unknown>>;
  readonly log: (line: string) => void;
  /** How long a route waits for its function (tests shorten it). @default INTEGRATION_TIMEOUT_MS */
  readonly integrationTimeoutMs?: number;
}

const TIMED_OUT = Symbol('integration timed out');

export interface LocalApi {
  readonly url: string;
  stop(): Promise<void>;
}

interface CompiledRoute {
  readonly spec: RouteSpec;
  readonly pattern: RegExp;
  readonly params: string[];
  readonly handler: LocalHandler;
  readonly functionId: string;
}

/**
 * The API Gateway (HTTP API, payload v2) and Cognito stand-in. Routes come from
 * config/routes.ts, the table CDK builds the real API from; each request becomes the event
 * API Gateway would send, with the JWT authorizer's claims. It also serves the web app,
 * two local-only endpoints for signing in as a demo user, and Cognito's `/oauth2/token` and
 * `/oauth2/revoke` for refreshing and ending those sessions.
 */
export async function startApi(options: LocalApiOptions): Promise<LocalApi> {
  const routes = ROUTES.map((spec) => compileRoute(spec, options.handlers));
  const server = createServer((request, response) => {
    handle(request, response).catch((error: Error) => {
      options.log(`API: ${request.method} ${request.url?.split('?')[0]} failed: ${error.message}`);
      if (!response.headersSent) sendJson(response, 500, { message: 'Internal Server Error' });
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const method = request.method ?? 'GET';
    if (url.pathname === '/api/health' && method === 'GET') {
      sendJson(response, 200, await options.health());
      return;
    }
    if (url.pathname === '/api/local/users' && method === 'GET') {
      sendJson(response, 200, {
        users: DEMO_USERS.map(({ username, role, area, name, department }) => ({
          username,
          role,
          area,
          name,
          ...(department ? { department } : {}),
        })),
      });
      return;
    }
    if (url.pathname === '/api/local/token' && method === 'POST') {
      const body = await readBody(request);
      if (body === undefined) {
        sendJson(response, 413, { message: 'Request Entity Too Large' });
        return;
      }
      let username: unknown;
      try {
        username = (JSON.parse(body.toString('utf8')) as { username?: unknown }).username;
      } catch {
        sendJson(response, 400, { errors: [{ field: 'body', message: 'Send JSON: {"username": "..."}' }] });
        return;
      }
      const signedIn = typeof username === 'string' ? options.issuer.signIn(username) : undefined;
      if (!signedIn) {
        sendJson(response, 400, {
          errors: [{ field: 'username', message: 'Unknown demo user: GET /api/local/users lists them' }],
        });
        return;
      }
      // `token` for scripts (README); the rest as Cognito's /oauth2/token answers a sign-in.
      sendJson(response, 200, {
        token: signedIn.idToken,
        id_token: signedIn.idToken,
        refresh_token: signedIn.refreshToken,
        expires_in: signedIn.expiresIn,
        token_type: 'Bearer',
      });
      return;
    }
    // Cognito's token and revocation endpoints, on the app's own origin: the local config's
    // sign-in domain (web/src/auth.ts), so refreshing and signing out run as deployed.
    if (url.pathname === '/oauth2/token' || url.pathname === '/oauth2/revoke') {
      if (method !== 'POST') {
        sendJson(response, 405, { message: 'Method Not Allowed' });
        return;
      }
      const body = await readBody(request);
      if (body === undefined) {
        sendJson(response, 413, { message: 'Request Entity Too Large' });
        return;
      }
      const answer = oauthEndpoint(
        options.issuer,
        url.pathname === '/oauth2/token' ? 'token' : 'revoke',
        request.headers['content-type'] ?? '',
        body.toString('utf8'),
      );
      if (answer.body) sendJson(response, answer.status, answer.body);
      else response.writeHead(answer.status, { 'cache-control': 'no-store' }).end();
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      await handleApiRoute(request, response, url, method);
      return;
    }
    serveStatic(response, url.pathname, method);
  }

  async function handleApiRoute(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    method: string,
  ) {
    let matched: { route: CompiledRoute; params: Record<string, string> } | undefined;
    let pathExists = false;
    for (const route of routes) {
      const m = route.pattern.exec(url.pathname);
      if (!m) continue;
      pathExists = true;
      if (route.spec.method !== method) continue;
      const params = decodePathParams(route.params, m);
      if (!params) {
        // A malformed percent-escape (`%E0%A4%A`): refused before any function runs.
        sendJson(response, 400, { message: 'Bad Request' });
        return;
      }
      matched = { route, params };
      break;
    }
    if (!matched) {
      sendJson(response, pathExists && method !== 'OPTIONS' ? 405 : 404, { message: 'Not Found' });
      return;
    }
    let claims: Record<string, string> | undefined;
    if (matched.route.spec.auth !== false) {
      const header = request.headers.authorization ?? '';
      const token = header.startsWith('Bearer ') ? header.slice(7) : header;
      const verified = token ? options.issuer.verify(token) : undefined;
      if (!verified) {
        sendJson(response, 401, { message: 'Unauthorized' });
        return;
      }
      claims = claimsAsApiGatewayPassesThem(verified);
    }
    const body = await readBody(request);
    if (body === undefined) {
      sendJson(response, 413, { message: 'Request Entity Too Large' });
      return;
    }
    const event = toEvent(request, url, method, matched.route.spec, matched.params, body, claims);
    if (Buffer.byteLength(JSON.stringify(event), 'utf8') > LAMBDA_MAX_REQUEST_BYTES) {
      options.log(
        `API: ${routeKey(matched.route.spec)}: the event is over Lambda's ${LAMBDA_MAX_REQUEST_BYTES} bytes (RequestEntityTooLargeException)`,
      );
      sendJson(response, 413, { message: 'Request Too Long' });
      return;
    }
    const invocation = invokeLocal(matched.route.handler, matched.route.functionId, event);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), options.integrationTimeoutMs ?? INTEGRATION_TIMEOUT_MS);
    });
    const result = await Promise.race([invocation, timedOut]).finally(() => clearTimeout(timer));
    if (result === TIMED_OUT) {
      // What the function still does is not lost, as on AWS; the client only stops waiting.
      invocation.catch(() => undefined);
      options.log(
        `API: ${routeKey(matched.route.spec)}: the integration took over 30 s (503, as API Gateway)`,
      );
      sendJson(response, 503, { message: 'Service Unavailable' });
      return;
    }
    const resultBytes = Buffer.byteLength(JSON.stringify(result ?? null), 'utf8');
    if (resultBytes > LAMBDA_MAX_RESPONSE_BYTES) {
      options.log(
        `API: ${routeKey(matched.route.spec)}: Function.ResponseSizeTooLarge: the result is ${resultBytes} bytes, over Lambda's ${LAMBDA_MAX_RESPONSE_BYTES}`,
      );
      sendJson(response, 500, { message: 'Internal Server Error' });
      return;
    }
    sendResult(response, result);
  }

  function serveStatic(response: ServerResponse, pathname: string, method: string) {
    if (method !== 'GET' && method !== 'HEAD') {
      sendJson(response, 405, { message: 'Method Not Allowed' });
      return;
    }
    const root = resolve(options.webRoot);
    const decoded = safeDecode(pathname);
    if (decoded === undefined) {
      sendJson(response, 400, { message: 'Bad Request' });
      return;
    }
    let file = resolve(join(root, normalize(decoded)));
    if (!file.startsWith(root)) {
      sendJson(response, 404, { message: 'Not Found' });
      return;
    }
    if (!existsSync(file) || statSync(file).isDirectory()) {
      // A single-page app: unknown paths get index.html, as CloudFront's error response does.
      file = join(root, 'index.html');
    }
    if (!existsSync(file)) {
      sendJson(response, 404, { message: 'Not Found' });
      return;
    }
    response.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      ...WEB_SECURITY_HEADERS,
      // Vite names built assets by content hash: they never change under the same name.
      'cache-control': pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    response.end(method === 'HEAD' ? undefined : readFileSync(file));
  }

  const port = await listenOnLoopback(server, options.port, 'web app and API', 'PORT');
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => closeServer(server),
  };
}

function compileRoute(spec: RouteSpec, handlers: ReadonlyMap<string, LocalHandler>): CompiledRoute {
  const params: string[] = [];
  const source = spec.path.replace(/\{([A-Za-z0-9_]+)(\+?)\}/g, (_m, name: string, greedy: string) => {
    params.push(name);
    return greedy ? '(.+)' : '([^/]+)';
  });
  const functionId = routeFunctionId(spec);
  const handler = handlers.get(functionId);
  if (!handler) throw new Error(`Route ${routeKey(spec)} has no local handler for function '${functionId}'`);
  return { spec, pattern: new RegExp(`^${source}$`), params, handler, functionId };
}

function routeFunctionId(spec: RouteSpec): string {
  return routeFunction(spec).id;
}

/** A route's path parameters, percent-decoded; undefined when an escape is malformed. */
function decodePathParams(
  names: readonly string[],
  match: RegExpExecArray,
): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (const [i, name] of names.entries()) {
    const value = safeDecode(match[i + 1] ?? '');
    if (value === undefined) return undefined;
    params[name] = value;
  }
  return params;
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const TEXT_TYPES = /^(text\/|application\/(json|x-www-form-urlencoded|xml|problem\+json))/;

function toEvent(
  request: IncomingMessage,
  url: URL,
  method: string,
  spec: RouteSpec,
  pathParameters: Record<string, string>,
  body: Buffer,
  claims: Record<string, string> | undefined,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = query[name] === undefined ? value : `${query[name]},${value}`;
  const now = new Date();
  const isText = TEXT_TYPES.test(headers['content-type'] ?? 'application/json');
  const key = routeKey(spec);
  return {
    version: '2.0',
    routeKey: key,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(headers.cookie ? { cookies: headers.cookie.split(/;\s*/) } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      ...(claims ? { authorizer: { jwt: { claims, scopes: null } } } : {}),
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: '127',
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: key,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !isText,
  } as APIGatewayProxyEventV2;
}

/** Interprets a handler's result as API Gateway does for payload v2. */
function sendResult(response: ServerResponse, result: unknown) {
  if (result === null || typeof result !== 'object' || !('statusCode' in result)) {
    sendJson(response, 200, result);
    return;
  }
  const structured = result as APIGatewayProxyStructuredResultV2;
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(structured.headers ?? {})) headers[k] = String(v);
  if (structured.cookies?.length) headers['set-cookie'] = structured.cookies;
  response.writeHead(structured.statusCode ?? 200, headers);
  const body = structured.body ?? '';
  response.end(structured.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

function sendJson(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  response.end(JSON.stringify(body));
}
