import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { afterEach, describe, expect, it } from 'vitest';
import { environmentOf, type FunctionAccess, type VariableValues } from '#config/function-access.ts';
import { FUNCTION_SPECS, FUNCTIONS, type FunctionKey } from '#config/functions.ts';
import { applyAccess } from '../../lib/access.ts';
import { DataStore } from '../../lib/constructs/data.ts';
import { constructIdFor, HandlerFunction } from '../../lib/constructs/handler-function.ts';
import { readSettings } from '../../lib/deploy-settings.ts';
import {
  localEnvironments,
  provideEnvironments,
  updateVariable,
  type VariableEntries,
  withdrawEnvironments,
} from '../../local/runtime/function-environment.ts';
import { invokeLocal, loadHandler } from '../../local/runtime/lambda-runtime.ts';
import { type LambdaThread, startLambdaThread } from '../../local/runtime/lambda-thread.ts';
import { PROJECT_ROOT } from '../../local/stack.ts';

/**
 * Each local function runs with exactly the variables its access gives it
 * (local/runtime/function-environment.ts), as each Lambda function has its own: one function's
 * value never reaches another sharing the process, and reading a variable a function was not
 * given fails as it would on AWS.
 */
const FIXTURES = 'test/fixtures/function-environment';
const reader = { id: 'table-reader', entry: join(FIXTURES, 'table-reader.ts') };
const second = { id: 'second-reader', entry: join(FIXTURES, 'second-reader.ts') };
const coldStart = { id: 'cold-start', entry: join(FIXTURES, 'cold-start.ts') };

type Answer = Record<string, unknown>;

let thread: LambdaThread | undefined;
afterEach(async () => {
  await thread?.stop();
  thread = undefined;
  withdrawEnvironments();
  delete process.env.MAIL_FROM;
});

const environments = (byFunction: Record<string, VariableEntries>) => new Map(Object.entries(byFunction));

describe('a local function', () => {
  it('works with only the variables it was given, and sees the runtime of the process', async () => {
    provideEnvironments(environments({ [reader.id]: [['TABLE_NAME', 'reader-table']] }));
    process.env.AWS_REGION ??= 'us-east-1';
    const handler = await loadHandler(PROJECT_ROOT, reader);
    const answer = (await invokeLocal(handler, reader.id, {})) as Answer;
    expect(answer).toMatchObject({ table: 'reader-table', tableNow: 'reader-table', appUrl: null });
    expect(answer.region).toBe(process.env.AWS_REGION);
  });

  it('fails on a variable it was not given, even when process.env has one of that name', async () => {
    provideEnvironments(environments({ [reader.id]: [['TABLE_NAME', 'reader-table']] }));
    process.env.MAIL_FROM = 'leaked@estate.example';
    const handler = await loadHandler(PROJECT_ROOT, reader);
    await expect(invokeLocal(handler, reader.id, { require: 'MAIL_FROM' })).rejects.toThrow(
      /^Missing environment variable MAIL_FROM/,
    );
  });

  it('fails to load when its module scope reads a variable it was not given, as a cold start does', async () => {
    provideEnvironments(environments({ [coldStart.id]: [['TABLE_NAME', 'cold-table']] }));
    process.env.MAIL_FROM = 'leaked@estate.example';
    await expect(loadHandler(PROJECT_ROOT, coldStart)).rejects.toThrow(
      /^Missing environment variable MAIL_FROM/,
    );
  });

  it('sees its own values beside another function in the same process, while both run', async () => {
    provideEnvironments(
      environments({
        [reader.id]: [
          ['TABLE_NAME', 'reader-table'],
          ['WORKFLOW_SETTINGS', '{"ownerLinkDays":3}'],
          ['PUBLIC_APP_URL', 'http://127.0.0.1:1'],
        ],
        [second.id]: [['TABLE_NAME', 'second-table']],
      }),
    );
    const readerHandler = await loadHandler(PROJECT_ROOT, reader);
    const secondHandler = await loadHandler(PROJECT_ROOT, second);
    // Interleaved: each waits while the other runs, then reads again.
    const [a, b, a2] = (await Promise.all([
      invokeLocal(readerHandler, reader.id, { waitMs: 30 }),
      invokeLocal(secondHandler, second.id, { waitMs: 10 }),
      invokeLocal(readerHandler, reader.id, { waitMs: 5 }),
    ])) as Answer[];
    expect(a).toMatchObject({ table: 'reader-table', tableNow: 'reader-table', ownerLinkDays: 3 });
    expect(a2).toMatchObject({ table: 'reader-table', tableNow: 'reader-table', ownerLinkDays: 3 });
    // The other's WORKFLOW_SETTINGS were parsed and kept first; this one has none: the defaults.
    expect(b).toMatchObject({ table: 'second-table', tableNow: 'second-table', ownerLinkDays: 14 });

    updateVariable('PUBLIC_APP_URL', 'http://127.0.0.1:2');
    expect(await invokeLocal(readerHandler, reader.id, {})).toMatchObject({ appUrl: 'http://127.0.0.1:2' });
  });

  it('on the workflow thread, has its own variables too, and the ones the stack sets later', async () => {
    thread = await startLambdaThread({
      root: PROJECT_ROOT,
      functions: [reader, second],
      timeScale: 1,
      clockStart: Date.now(),
      environments: environments({
        [reader.id]: [
          ['TABLE_NAME', 'thread-reader-table'],
          ['PUBLIC_APP_URL', 'http://127.0.0.1:1'],
        ],
        [second.id]: [['TABLE_NAME', 'thread-second-table']],
      }),
    });
    const invoke = (id: string, event: unknown) => {
      const handler = thread?.handlers.get(id);
      if (!handler) throw new Error(`no ${id}`);
      return invokeLocal(handler, id, event);
    };
    thread.updateVariable('PUBLIC_APP_URL', 'http://127.0.0.1:3999');
    expect(await invoke(reader.id, { waitMs: 10 })).toMatchObject({
      table: 'thread-reader-table',
      appUrl: 'http://127.0.0.1:3999',
    });
    expect(await invoke(second.id, {})).toMatchObject({ table: 'thread-second-table' });
    await expect(invoke(reader.id, { require: 'STATE_MACHINE_ARN' })).rejects.toThrow(
      /^Missing environment variable STATE_MACHINE_ARN/,
    );
  });
});

describe('the variables of every function of config/functions.ts', () => {
  it('come from an access every function declares (a type error otherwise)', () => {
    // Compiles only while each entry has its access.
    const declared: { readonly [K in FunctionKey]: { readonly access: FunctionAccess } } = FUNCTIONS;
    expect(Object.keys(declared).sort()).toEqual(Object.keys(FUNCTIONS).sort());
  });

  it('are the same names locally as CDK sets (lib/access.ts), with every optional one configured', () => {
    const configured: VariableValues = {
      TABLE_NAME: 'complaints',
      RAW_MAIL_BUCKET: 'raw',
      RAW_MAIL_PREFIX: 'incoming/',
      MAIL_FROM: 'complaints@estate.example',
      STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:complaint',
      ATTACHMENTS_BUCKET: 'attachments',
      INTAKE_ADDRESSES: 'complaints@estate.example',
      FAX_GATEWAY_ADDRESSES: '@fax.example',
      INTAKE_AREA_BY_ADDRESS: '{}',
      FLOOD_LIMIT_PER_HOUR: '5',
      ACKNOWLEDGEMENT_LIMIT_PER_HOUR: '5',
      REPLY_LIMIT_PER_HOUR: '20',
      REPLY_LIMIT_TOTAL: '200',
      REPORTS_BUCKET: 'reports',
      REPORT_RECIPIENTS: 'manager@estate.example',
      REPORT_THRESHOLDS: '{}',
      WORKFLOW_SETTINGS: '{}',
      PUBLIC_APP_URL: 'http://127.0.0.1:3000',
      STAFF_EMAIL_PATTERN: '{role}.{area}@staff.estate.example',
      DEPARTMENT_EMAIL_PATTERN: '{department}@estate.example',
      SES_REGION: 'us-east-1',
      MAIL_RELAY_URL: 'smtps://relay.estate.example',
      MAIL_RELAY_SECRET: 'EstateComplaints/mail-relay',
      RAW_MAIL_REGION: 'ap-east-1',
      INTAKE_FUNCTION: 'arn:aws:lambda:us-east-1:000000000000:function:intake-email',
      DIRECTORY_IMPORT_FUNCTION: 'arn:aws:lambda:us-east-1:000000000000:function:run-directory-import',
      OCR_FUNCTION: 'arn:aws:lambda:us-east-1:000000000000:function:read-fax-pages',
      MAILBOX_URL: 'imaps://imap.estate.example',
      MAILBOX_SECRET: 'EstateComplaints/mailbox',
      MAILBOX_FOLDER: 'INBOX',
      MAILBOX_DONE_FOLDER: 'Complaints/Received',
      MAILBOX_AUTHSERV_ID: 'mx.estate.example',
    };
    const local = localEnvironments(configured);

    const app = new App({
      context: { 'aws:cdk:bundling-stacks': [], '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true },
    });
    const stack = new Stack(app, 'Environments');
    const data = new DataStore(stack, 'Data');
    const stateMachine = StateMachine.fromStateMachineArn(
      stack,
      'Workflow',
      configured.STATE_MACHINE_ARN ?? '',
    );
    const settings = {
      ...readSettings(stack.node),
      workflowSettings: '{}',
      faxGatewayAddresses: ['@fax.example'],
      intakeAreaByAddress: '{}',
      floodLimitPerHour: 5,
      acknowledgementLimitPerHour: 5,
      replyLimitPerHour: 20,
      replyLimitTotal: 200,
      reportThresholds: '{}',
      intakeRegion: configured.SES_REGION,
      mailRelay: { url: configured.MAIL_RELAY_URL ?? '', login: true },
      mailbox: {
        url: configured.MAILBOX_URL ?? '',
        folder: configured.MAILBOX_FOLDER,
        doneFolder: configured.MAILBOX_DONE_FOLDER,
        authServId: configured.MAILBOX_AUTHSERV_ID,
        pollMinutes: 1,
      },
    };
    const intakeFunction = LambdaFunction.fromFunctionArn(stack, 'Intake', configured.INTAKE_FUNCTION ?? '');
    const directoryImportFunction = LambdaFunction.fromFunctionArn(
      stack,
      'DirectoryImport',
      configured.DIRECTORY_IMPORT_FUNCTION ?? '',
    );
    const ocrFunction = LambdaFunction.fromFunctionArn(stack, 'Ocr', configured.OCR_FUNCTION ?? '');
    const rawMail = { bucket: data.rawMailBucket, region: configured.RAW_MAIL_REGION ?? '' };
    const handlers = FUNCTION_SPECS.map((spec) => {
      const handler = new HandlerFunction(stack, constructIdFor(spec), { spec });
      applyAccess(handler, {
        data,
        settings,
        stateMachine,
        intakeFunction,
        directoryImportFunction,
        ocrFunction,
        rawMail,
      });
      return handler;
    });
    const template = Template.fromStack(stack);
    const lambdas = template.findResources('AWS::Lambda::Function');

    for (const handler of handlers) {
      const logicalId = stack.getLogicalId(handler.function.node.defaultChild as never);
      const deployed = Object.keys(lambdas[logicalId]?.Properties.Environment.Variables ?? {}).filter(
        (name) => name !== 'POWERTOOLS_SERVICE_NAME' && name !== 'NODE_OPTIONS',
      );
      const localNames = (local.get(handler.spec.id) ?? []).map(([name]) => name);
      expect(localNames, handler.spec.id).toEqual(deployed);
      expect(localNames, handler.spec.id).toEqual(environmentOf(handler.spec.access));
    }
  });
});
