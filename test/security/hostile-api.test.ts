import type { Context } from 'aws-lambda';
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { type ApiEvent, parseBody, SECURITY_HEADERS } from '#commons/http.ts';
import { STEP_IDS } from '#config/workflow.ts';
import { NewComplaintInput } from '#domain/complaint.ts';
import { DECISION_SCHEMAS } from '#domain/decisions.ts';
import { ValidationError } from '#domain/errors.ts';
import { RectificationUpdate } from '#domain/report/rectification-update.ts';
import { hostileNonBlank, hostileString, PAYLOADS } from './hostile.ts';

/**
 * The API's validation against hostile bodies: invalid JSON, several megabytes, nesting
 * thousands deep, wrong types, any Unicode, SQL and NoSQL injection strings, operator objects
 * and prototype-pollution keys. Every body is accepted as the schema's type, or refused with a
 * ValidationError naming each field (the API's 400 `{"errors":[{"field","message"}]}`) —
 * never another exception, never a polluted prototype, never an operator or `__proto__` key
 * passed on to the code behind.
 */

const SCHEMAS: [string, z.ZodType][] = [
  ['NewComplaintInput', NewComplaintInput],
  ['RectificationUpdate', RectificationUpdate],
  ...STEP_IDS.map((step): [string, z.ZodType] => [`DECISION_SCHEMAS.${step}`, DECISION_SCHEMAS[step]]),
];

const FIELD_NAMES = [
  'channel',
  'area',
  'owner',
  'name',
  'phone',
  'email',
  'language',
  'content',
  'category',
  'building',
  'unit',
  'checklist',
  'keyPointsNoted',
  'attachments',
  'key',
  'size',
  'contentType',
  'action',
  'opinion',
  'department',
  'reason',
  'note',
  'plannedStart',
  'plannedCompletion',
  'completedAt',
  'rating',
  'comments',
  'via',
  'reached',
  'clarifiedPurpose',
  'location',
  'version',
  'problem',
  'measures',
  'dueDate',
  'status',
];
const DANGEROUS_KEYS = ['__proto__', 'constructor', 'prototype', '$gt', '$ne', '$where', '$regex', '$expr'];

/** JSON written by hand, so `__proto__` is an own key of the text as an attacker sends it. */
type Json = { text: string };
const json = (text: string): Json => ({ text });

const jsonString = fc
  .oneof(
    hostileString,
    fc.constantFrom(
      'sign',
      'resolve',
      'phone',
      'kowloon-east',
      '2026-12-01T10:00:00+08:00',
      '2026-02-30',
      'chan@example.com',
      '+852 2345 6789',
      'water-leak',
      'engineering',
    ),
  )
  .map((s) => json(JSON.stringify(s)));

const { value } = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    jsonString,
    fc
      .constantFrom('null', 'true', 'false', '0', '-1', '1e309', '-0', '1.5', '9007199254740993', '[]', '{}')
      .map(json),
    fc.double().map((n) => json(Number.isFinite(n) ? JSON.stringify(n) : '0')),
    fc.array(tie('value'), { maxLength: 4 }).map((items) => json(`[${items.map((i) => i.text).join(',')}]`)),
    fc
      .array(
        fc.tuple(fc.oneof(fc.constantFrom(...FIELD_NAMES, ...DANGEROUS_KEYS), hostileString), tie('value')),
        {
          maxLength: 6,
        },
      )
      .map((pairs) => json(`{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${v.text}`).join(',')}}`)),
  ),
}));

/** An object body whose keys are mostly the schemas' own, with hostile values. */
const objectBody = fc
  .array(
    fc.tuple(
      fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...FIELD_NAMES) }, fc.constantFrom(...DANGEROUS_KEYS)),
      value,
    ),
    {
      maxLength: 10,
    },
  )
  .map((pairs) => `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${v.text}`).join(',')}}`);

/** A complaint reception could log, with one field replaced by something hostile. */
const VALID_COMPLAINT = {
  channel: 'phone',
  area: 'kowloon-east',
  building: '海濱花園第三座',
  unit: '12樓B室',
  owner: { name: '陳大文', phone: '+852 9123 4567', email: 'chan@example.com' },
  content: '浴室天花板滲水',
  checklist: { keyPointsNoted: true, requestClarified: true },
};
const nearlyValidComplaint = fc
  .tuple(
    fc.constantFrom(
      'channel',
      'area',
      'building',
      'unit',
      'owner',
      'owner.name',
      'owner.email',
      'owner.phone',
      'content',
      'checklist',
      'attachments',
    ),
    // A hostile string where a string belongs (may well be accepted), or any JSON value.
    fc.oneof(
      hostileNonBlank.map((text) => JSON.stringify(text)),
      value.map((v) => v.text),
    ),
  )
  .map(([field, raw]) => {
    const marker = '\u0001replaced\u0001';
    const body = structuredClone(VALID_COMPLAINT) as Record<string, unknown>;
    const [outer = '', inner] = field.split('.');
    const target = (inner ? body[outer] : body) as Record<string, unknown>;
    target[inner ?? outer] = marker;
    // A function, not a string: a hostile `$'` or `$&` in `raw` must not be read as a replacement pattern.
    return JSON.stringify(body).replace(JSON.stringify(marker), () => raw);
  });

const notJson = fc.oneof(
  hostileString,
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\ufeff{}',
    '{',
    '{"a":',
    '{"a":1,}',
    "{'a':1}",
    '{"a":1}garbage',
    'undefined',
    'NaN',
    '[1,]',
    '"\\ud800"',
    '{"content":"\\u0000"}',
  ),
  objectBody.map((text) => text.slice(0, Math.max(1, text.length - 1))),
);

const deep = fc
  .tuple(fc.integer({ min: 1000, max: 100_000 }), fc.constantFrom('[', '{"a":', '{"owner":', '{"content":['))
  .map(([depth, open]) => {
    const close = open === '[' ? ']' : open.endsWith('[') ? ']}' : '}';
    return `${open.repeat(depth)}1${close.repeat(depth)}`;
  });

const body = fc.oneof(
  { weight: 4, arbitrary: objectBody },
  { weight: 3, arbitrary: nearlyValidComplaint },
  { weight: 2, arbitrary: value.map((v) => v.text) },
  { weight: 2, arbitrary: notJson },
  { weight: 1, arbitrary: deep },
);

const event = (text: string, base64 = false) =>
  ({
    body: base64 ? Buffer.from(text, 'latin1').toString('base64') : text,
    isBase64Encoded: base64,
  }) as ApiEvent;

const OBJECT_PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();
afterEach(() => {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(OBJECT_PROTOTYPE_KEYS);
});

/** Accepted, as plain data without operator or prototype keys; or refused field by field. */
function expectAcceptedOrRefused(schema: z.ZodType, request: ApiEvent): void {
  let accepted: unknown;
  try {
    accepted = parseBody(request, schema);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    const { errors } = error as ValidationError;
    expect(errors.length).toBeGreaterThan(0);
    for (const problem of errors) {
      expect(Object.keys(problem).sort()).toEqual(['field', 'message']);
      expect(problem.field).toMatch(/^\S+$/);
      expect(typeof problem.message).toBe('string');
      expect(problem.message.length).toBeGreaterThan(0);
    }
    return;
  }
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    expect([Object.prototype, Array.prototype]).toContain(Object.getPrototypeOf(node));
    for (const [key, child] of Object.entries(node)) {
      expect(DANGEROUS_KEYS).not.toContain(key);
      visit(child);
    }
  };
  visit(accepted);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

describe('API validation with hostile bodies', () => {
  it('accepts a body as its schema’s type or refuses it field by field, for every schema', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SCHEMAS), body, fc.boolean(), ([, schema], text, base64) => {
        expectAcceptedOrRefused(schema, event(base64 ? Buffer.from(text).toString('latin1') : text, base64));
      }),
      { numRuns: 1500 },
    );
  });

  it('accepts some nearly valid complaints and refuses the rest, with the field named', () => {
    const seen = { accepted: 0, refused: 0 };
    fc.assert(
      fc.property(nearlyValidComplaint, (text) => {
        try {
          parseBody(event(text), NewComplaintInput);
          seen.accepted += 1;
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
          expect((error as ValidationError).errors.map((e) => e.field).join()).toMatch(
            /channel|area|building|unit|owner|content|checklist|attachments/,
          );
          seen.refused += 1;
        }
      }),
      { numRuns: 400 },
    );
    // A test that only ever refuses would not show acceptance is possible.
    expect(seen.accepted).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  });

  it('refuses invalid JSON, a body of several megabytes and JSON nested 100,000 deep with a 400, quickly', () => {
    const cases = [
      '{"channel":',
      `{"content":"${'漏'.repeat(3 * 1024 * 1024)}"}`,
      JSON.stringify({ ...VALID_COMPLAINT, content: 'x'.repeat(5 * 1024 * 1024) }),
      `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
      `{"owner":${'{"name":'.repeat(100_000)}"x"${'}'.repeat(100_000)}}`,
    ];
    for (const text of cases) {
      const started = performance.now();
      expect(() => parseBody(event(text), NewComplaintInput)).toThrow(ValidationError);
      expect(performance.now() - started).toBeLessThan(2000);
    }
  });

  it('passes no operator object or prototype key on, and leaves Object.prototype alone', () => {
    const accepted = parseBody(
      event(
        `{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"channel":"phone","area":"kowloon-east","owner":{"__proto__":{"polluted":1},"name":"'; DROP TABLE complaints;--","phone":"+852 9123 4567"},"content":"{\\"$gt\\":\\"\\"}"}`,
      ),
      NewComplaintInput,
    );
    expect(accepted).toEqual({
      channel: 'phone',
      area: 'kowloon-east',
      owner: { name: "'; DROP TABLE complaints;--", phone: '+852 9123 4567' },
      content: '{"$gt":""}',
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    for (const text of [
      '{"channel":{"$gt":""}}',
      '{"owner":{"email":{"$ne":null}}}',
      '{"content":{"$where":"1"}}',
    ]) {
      expect(() => parseBody(event(text), NewComplaintInput)).toThrow(ValidationError);
    }
  });
});

describe('POST /api/complaints end to end with hostile bodies', () => {
  let handler: (
    event: ApiEvent,
    context: Context,
  ) => Promise<{ statusCode: number; headers: Record<string, string>; body: string }>;

  beforeAll(async () => {
    // Nothing is reached: a body that fails validation is answered before any call, and the
    // endpoints point at a closed port on loopback in case one did not.
    Object.assign(process.env, {
      TABLE_NAME: 'hostile-input-test',
      ATTACHMENTS_BUCKET: 'hostile-input-test',
      STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:hostile-input-test',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    });
    ({ handler } = (await import('../../lambdas/create-complaint.ts')) as unknown as {
      handler: typeof handler;
    });
  });

  const context = {
    functionName: 'create-complaint',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:create-complaint',
    memoryLimitInMB: '256',
    awsRequestId: 'hostile-input',
    logGroupName: '/aws/lambda/create-complaint',
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  } as Context;

  const apiEvent = (text: string, contentType: string) =>
    ({
      version: '2.0',
      routeKey: 'POST /api/complaints',
      rawPath: '/api/complaints',
      rawQueryString: '',
      headers: { 'content-type': contentType },
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        authorizer: {
          jwt: {
            claims: {
              'cognito:username': 'reception.kowloon-east',
              'cognito:groups': '[reception]',
              'custom:area': 'kowloon-east',
            },
            scopes: null,
          },
        },
        domainName: '127.0.0.1',
        domainPrefix: '127',
        http: {
          method: 'POST',
          path: '/api/complaints',
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
          userAgent: 'fast-check',
        },
        requestId: 'hostile-input',
        routeKey: 'POST /api/complaints',
        stage: '$default',
        time: new Date().toUTCString(),
        timeEpoch: Date.now(),
      },
      body: text,
      isBase64Encoded: false,
    }) as unknown as ApiEvent;

  it('answers every body the schema refuses with 400 and field errors, with the security headers', async () => {
    await fc.assert(
      fc.asyncProperty(
        body,
        fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'),
        async (text, contentType) => {
          let valid = false;
          try {
            valid = NewComplaintInput.safeParse(JSON.parse(text)).success;
          } catch {}
          // A valid body would open a complaint, which needs DynamoDB: not this test's business.
          fc.pre(!valid);
          const answer = await handler(apiEvent(text, contentType), context);
          expect(answer.statusCode).toBe(400);
          expect(answer.headers).toMatchObject(SECURITY_HEADERS);
          const { errors } = JSON.parse(answer.body) as { errors: { field: string; message: string }[] };
          expect(errors.length).toBeGreaterThan(0);
          for (const problem of errors) expect(Object.keys(problem).sort()).toEqual(['field', 'message']);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('answers each injection payload in each text field with 400 or as plain text, never 500', async () => {
    for (const payload of PAYLOADS) {
      for (const field of ['channel', 'area', 'category']) {
        const answer = await handler(
          apiEvent(JSON.stringify({ ...VALID_COMPLAINT, [field]: payload }), 'application/json'),
          context,
        );
        expect(answer.statusCode, `${field}: ${JSON.stringify(payload)}`).toBe(400);
        expect(JSON.parse(answer.body).errors).toEqual([expect.objectContaining({ field })]);
      }
    }
  });
});
