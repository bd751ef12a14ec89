import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_SPECS } from '#config/functions.ts';
import {
  INTEGRATION_TIMEOUT_MS,
  LAMBDA_MAX_REQUEST_BYTES,
  LAMBDA_MAX_RESPONSE_BYTES,
  type LocalApi,
  startApi,
} from '../../local/gateway/api-gateway.ts';
import { LocalIssuer } from '../../local/gateway/auth.ts';
import type { LocalHandler } from '../../local/runtime/lambda-runtime.ts';

/**
 * The API Gateway stand-in fails where API Gateway and Lambda fail, so a response or request
 * that would break on AWS breaks here first: Lambda's 6 MB request and response limits, and a
 * malformed percent-escape in the path (a 400, never a handler's 500).
 */
let api: LocalApi;
const calls: string[] = [];
let openApiSize = 0;
const log: string[] = [];

beforeAll(async () => {
  const webRoot = mkdtempSync(join(tmpdir(), 'api-limits-web-'));
  writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>app</title>');
  const handlers = new Map<string, LocalHandler>(
    FUNCTION_SPECS.map((spec) => [
      spec.id,
      async (event) => {
        calls.push(spec.id);
        if (spec.id === 'get-openapi') {
          // A result `openApiSize` bytes long once serialised ({"statusCode":200,"body":"…"}).
          const envelope = JSON.stringify({ statusCode: 200, body: '' }).length;
          return { statusCode: 200, body: 'a'.repeat(openApiSize - envelope) };
        }
        return {
          statusCode: 200,
          body: JSON.stringify({ got: (event as { body?: string }).body?.length ?? 0 }),
        };
      },
    ]),
  );
  api = await startApi({
    port: 0,
    issuer: new LocalIssuer('http://127.0.0.1/local-issuer'),
    handlers,
    webRoot,
    log: (line) => log.push(line),
    health: async () => ({}),
  });
});
afterAll(async () => {
  await api?.stop();
});

describe('the local API Gateway at AWS limits', () => {
  it('stops waiting for a function after the integration timeout with 503, as an HTTP API does after 30 s', async () => {
    expect(INTEGRATION_TIMEOUT_MS).toBe(30_000);
    const webRoot = mkdtempSync(join(tmpdir(), 'api-timeout-web-'));
    writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>app</title>');
    let finished = false;
    const slow = new Map<string, LocalHandler>(
      FUNCTION_SPECS.map((spec) => [
        spec.id,
        async () => {
          await new Promise((resolve) => setTimeout(resolve, 600));
          finished = true;
          return { statusCode: 200, body: '{}' };
        },
      ]),
    );
    const lines: string[] = [];
    const short = await startApi({
      port: 0,
      issuer: new LocalIssuer('http://127.0.0.1/local-issuer'),
      handlers: slow,
      webRoot,
      log: (line) => lines.push(line),
      health: async () => ({}),
      integrationTimeoutMs: 200,
    });
    try {
      const answer = await fetch(`${short.url}/api/openapi.json`);
      expect(answer.status).toBe(503);
      expect(await answer.json()).toEqual({ message: 'Service Unavailable' });
      expect(finished).toBe(false);
      expect(lines.join('\n')).toContain('over 30 s');
      // The function itself runs on to its end, as on Lambda.
      await expect.poll(() => finished, { timeout: 5000 }).toBe(true);
    } finally {
      await short.stop();
    }
  });

  it("answers a result of exactly Lambda's 6,291,556 bytes, and a byte more is API Gateway's 500", async () => {
    openApiSize = LAMBDA_MAX_RESPONSE_BYTES;
    const fits = await fetch(`${api.url}/api/openapi.json`);
    expect(fits.status).toBe(200);
    expect((await fits.text()).length).toBeGreaterThan(6_000_000);

    openApiSize = LAMBDA_MAX_RESPONSE_BYTES + 1;
    const tooBig = await fetch(`${api.url}/api/openapi.json`);
    expect(tooBig.status).toBe(500);
    expect(await tooBig.json()).toEqual({ message: 'Internal Server Error' });
    expect(log.join('\n')).toContain('Function.ResponseSizeTooLarge');
  });

  it('refuses a body whose event would pass 6 MB (base64 of binary) without invoking the function', async () => {
    calls.length = 0;
    // 4.8 MB of binary: under API Gateway's 10 MB, over Lambda's 6 MB once base64-encoded.
    const binary = Buffer.alloc(4_800_000, 7);
    expect(Math.ceil(binary.length / 3) * 4).toBeGreaterThan(LAMBDA_MAX_REQUEST_BYTES);
    const refused = await fetch(`${api.url}/api/owner/link-1`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: binary,
    });
    expect(refused.status).toBe(413);
    expect(await refused.json()).toEqual({ message: 'Request Too Long' });
    expect(calls).toEqual([]);

    const small = await fetch(`${api.url}/api/owner/link-1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: '滲水'.repeat(1000) }),
    });
    expect(small.status).toBe(200);
    expect(calls).toEqual(['answer-owner-link']);
  });

  it("refuses a body over API Gateway's 10 MB with 413", async () => {
    const refused = await fetch(`${api.url}/api/owner/link-1`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'x'.repeat(10 * 1024 * 1024 + 1),
    });
    expect(refused.status).toBe(413);
  });

  it('answers a malformed percent-escape in a path with 400, in API routes and in web app paths', async () => {
    calls.length = 0;
    for (const path of ['/api/owner/%E0%A4%A', '/api/owner/%', '/complaints/%ZZ', '/%C0%AF']) {
      const response = await fetch(`${api.url}${path}`);
      expect(response.status, path).toBe(400);
      expect(await response.json(), path).toEqual({ message: 'Bad Request' });
    }
    expect(calls).toEqual([]);
    // A well-formed escape still reaches its function, decoded.
    expect((await fetch(`${api.url}/api/owner/%E6%BB%B2`)).status).toBe(200);
  });
});
