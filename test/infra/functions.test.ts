import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { environmentOf, isOptional } from '#config/function-access.ts';
import { FUNCTION_SPECS, FUNCTIONS } from '#config/functions.ts';
import { type HandlerFunction, PROJECT_ROOT } from '../../lib/constructs/handler-function.ts';
import {
  allowedActions,
  arnOf,
  declaredActions,
  logicalId,
  resource,
  roleStatements,
  type Synthesized,
  synthesize,
} from './support.ts';

let built: Synthesized;
let handlers: HandlerFunction[];
// Bundles every handler (fifty-odd esbuild runs): minutes on a busy 2-core machine.
beforeAll(() => {
  built = synthesize({}, { bundle: true });
  handlers = [
    ...built.stack.workflow.functions.values(),
    built.stack.intake.handler,
    ...built.stack.staffApi.functions.values(),
    built.stack.reports.handler,
    built.stack.retention.handler,
    built.stack.triageTraining.handler,
    built.stack.directoryImport.handler,
    built.stack.faxOcr.handler,
  ];
}, 420_000);

const lambdaOf = (handler: HandlerFunction) =>
  resource(built.template, 'AWS::Lambda::Function', logicalId(handler.function));

describe('every Lambda function', () => {
  it('is deployed once for each entry of config/functions.ts', () => {
    // Besides CDK's own BucketDeployment provider, which uploads the web app at deploy time,
    // and the mail transport of the other deployment shapes (test/infra/regions.test.ts).
    const elsewhere = new Set<string>([FUNCTIONS.pollMailbox.id, FUNCTIONS.forwardMail.id]);
    const here = FUNCTION_SPECS.filter((spec) => !elsewhere.has(spec.id));
    const ours = Object.keys(built.template.findResources('AWS::Lambda::Function')).filter(
      (id) => !id.startsWith('CustomCDKBucketDeployment'),
    );
    expect(ours).toHaveLength(here.length);
    expect(handlers.map((handler) => handler.spec.id).sort()).toEqual(here.map((spec) => spec.id).sort());
  });

  it('runs Node.js 24 on arm64 with active X-Ray tracing', () => {
    for (const handler of handlers) {
      const { Properties } = lambdaOf(handler);
      expect(Properties.Runtime).toBe('nodejs24.x');
      expect(Properties.Architectures).toEqual(['arm64']);
      expect(Properties.TracingConfig).toEqual({ Mode: 'Active' });
    }
  });

  it('takes memory, timeout and description from its config entry', () => {
    for (const handler of handlers) {
      const { Properties } = lambdaOf(handler);
      expect(Properties.MemorySize).toBe(handler.spec.memoryMb ?? 256);
      expect(Properties.Timeout).toBe(handler.spec.timeoutSeconds ?? 30);
      expect(Properties.Description).toBe(handler.spec.description);
    }
  });

  it('names the Powertools service and turns on source maps', () => {
    for (const handler of handlers) {
      const variables = lambdaOf(handler).Properties.Environment.Variables;
      expect(variables.POWERTOOLS_SERVICE_NAME).toBe('complaints');
      expect(variables.NODE_OPTIONS).toBe('--enable-source-maps');
    }
  });

  it('sets every variable its handler requires at cold start', () => {
    for (const handler of handlers) {
      const source = readFileSync(path.join(PROJECT_ROOT, handler.spec.entry), 'utf8');
      const required = [...source.matchAll(/requireEnv\(\s*['"]([A-Z0-9_]+)['"]\s*\)/g)].map(
        (match) => match[1],
      );
      const variables = Object.keys(lambdaOf(handler).Properties.Environment.Variables);
      expect(variables, handler.spec.entry).toEqual(expect.arrayContaining(required));
    }
  });

  it('logs to its own log group, kept for the configured retention', () => {
    for (const handler of handlers) {
      expect(lambdaOf(handler).Properties.LoggingConfig).toEqual({
        LogGroup: { Ref: logicalId(handler.logGroup) },
      });
      const logGroup = resource(built.template, 'AWS::Logs::LogGroup', logicalId(handler.logGroup));
      expect(logGroup.Properties.RetentionInDays).toBe(365);
    }
  });

  it('has its own role with no AWS managed policy, writing logs only to its log group', () => {
    for (const handler of handlers) {
      const role = resource(built.template, 'AWS::IAM::Role', logicalId(handler.role));
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
      ]);
      const logWrites = roleStatements(built.template, logicalId(handler.role)).filter((s) =>
        s.Action.some((action) => action.startsWith('logs:')),
      );
      expect(logWrites).toEqual([
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: [arnOf(handler.logGroup)],
        },
      ]);
    }
  });

  it('has its access declared in config/functions.ts', () => {
    const undeclared = handlers.filter((handler) => typeof handler.spec.access !== 'object');
    expect(
      undeclared.map((handler) => handler.spec.id),
      'give these functions an access in config/functions.ts',
    ).toEqual([]);
  });

  it('is given the variables config/function-access.ts names for its access, and no others', () => {
    const ownVariables = new Set(['POWERTOOLS_SERVICE_NAME', 'NODE_OPTIONS']);
    for (const handler of handlers) {
      const variables = Object.keys(lambdaOf(handler).Properties.Environment.Variables).filter(
        (name) => !ownVariables.has(name),
      );
      const named = environmentOf(handler.spec.access);
      const required = named.filter((name) => !isOptional(name));
      expect(
        variables.filter((name) => !(named as readonly string[]).includes(name)),
        handler.spec.id,
      ).toEqual([]);
      expect(
        required.filter((name) => !variables.includes(name)),
        handler.spec.id,
      ).toEqual([]);
    }
  });

  it('may do exactly what lib/access.ts declares, besides logging, tracing and dead-lettering', () => {
    for (const handler of handlers) {
      const deadLetters = lambdaOf(handler).Properties.DeadLetterConfig ? ['sqs:SendMessage'] : [];
      expect(allowedActions(built.template, handler), handler.spec.id).toEqual(
        declaredActions(handler, deadLetters),
      );
    }
  });

  it('uses a resource wildcard only for X-Ray, which has no resource-level permissions', () => {
    for (const handler of handlers) {
      const onAnything = roleStatements(built.template, logicalId(handler.role)).filter((s) =>
        s.Resource.includes('*'),
      );
      expect(onAnything.flatMap((s) => s.Action).sort()).toEqual([
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ]);
    }
  });

  it('is bundled by esbuild as ESM with a require shim and an external source map', () => {
    const assembly = built.app.synth();
    for (const handler of handlers) {
      // The code's S3 key is `<asset hash>.zip`; the assembly stages the bundle in `asset.<hash>`.
      const s3Key = lambdaOf(handler).Properties.Code.S3Key as string;
      const assetDir = path.join(assembly.directory, `asset.${s3Key.replace(/\.zip$/, '')}`);
      const bundle = readFileSync(path.join(assetDir, 'index.mjs'), 'utf8');
      expect(bundle.startsWith("import { createRequire } from 'node:module';")).toBe(true);
      expect(bundle).toMatch(/export\s*\{[^}]*\bhandler\b[^}]*\}/);
      expect(existsSync(path.join(assetDir, 'index.mjs.map'))).toBe(true);
      expect(lambdaOf(handler).Properties.Handler).toBe('index.handler');
    }
  });
});
