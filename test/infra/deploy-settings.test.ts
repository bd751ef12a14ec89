import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app.ts';
import { PROJECT_ROOT } from '../../lib/constructs/handler-function.ts';
import { readSettings, SettingsError } from '../../lib/deploy-settings.ts';

const settingsFor = (context: Record<string, unknown>) => readSettings(new App({ context }).node);

describe('deployment settings from CDK context', () => {
  it('default to an environment-agnostic stack receiving complaints@ the example domain', () => {
    const settings = settingsFor({});
    expect(settings).toEqual({
      stackName: 'EstateComplaints',
      intakeDomain: 'complaints.example.com',
      intakeAddresses: ['complaints@complaints.example.com'],
      createIntakeIdentity: true,
      logRetention: 365,
      apiRateLimit: 50,
      apiBurstLimit: 100,
      publicAppUrl: 'https://complaints.example.com',
      staffEmailPattern: '{role}.{area}@complaints.example.com',
      departmentEmailPattern: '{department}@complaints.example.com',
      reportSchedules: ['month'],
      reportTime: '08:00',
      reportTimeZone: 'Asia/Hong_Kong',
      reportRecipients: ['customer-service@complaints.example.com', 'manager@complaints.example.com'],
      // SES receives the mail, in the stack's own region (README, Deploying to AWS).
      mailIntake: 'ses',
    });
  });

  it('read lists from -c as comma-separated text and from cdk.json as arrays', () => {
    expect(
      settingsFor({
        intakeDomain: 'estate.example',
        intakeAddresses: 'Complaints@estate.example, fax@estate.example',
      }).intakeAddresses,
    ).toEqual(['complaints@estate.example', 'fax@estate.example']);
    expect(
      settingsFor({
        intakeDomain: 'estate.example',
        intakeAddresses: ['a@estate.example', 'b@in.estate.example'],
      }).intakeAddresses,
    ).toEqual(['a@estate.example', 'b@in.estate.example']);
  });

  it('read numbers and booleans given as text on the command line', () => {
    const settings = settingsFor({
      logRetentionDays: '90',
      apiRateLimit: '10',
      apiBurstLimit: '20',
      createIntakeIdentity: 'false',
      alarmEmail: 'ops@estate.example',
      region: 'eu-west-1',
      account: '123456789012',
    });
    expect(settings).toMatchObject({
      logRetention: 90,
      apiRateLimit: 10,
      apiBurstLimit: 20,
      createIntakeIdentity: false,
      alarmEmail: 'ops@estate.example',
      region: 'eu-west-1',
      account: '123456789012',
    });
  });

  it('reject bad values with one message naming every key at fault', () => {
    const read = () =>
      settingsFor({
        intakeDomain: 'estate.example',
        intakeAddresses: 'complaints@elsewhere.example,not-an-address',
        alarmEmail: 'ops',
        logRetentionDays: '42',
        apiRateLimit: '100',
        apiBurstLimit: '10',
        region: 'Hong Kong',
      });
    expect(read).toThrow(SettingsError);
    expect(read).toThrow(/complaints@elsewhere\.example" is not on the intake domain estate\.example/);
    expect(read).toThrow(/"not-an-address" is not an email address/);
    expect(read).toThrow(/alarmEmail "ops"/);
    expect(read).toThrow(/logRetentionDays 42 is not a CloudWatch Logs retention/);
    expect(read).toThrow(/apiBurstLimit 10 must be at least apiRateLimit \(100\)/);
    expect(read).toThrow(/region "Hong Kong"/);
  });

  it('read email intake’s fax gateways, areas by address and flood limit, checked as the function checks them', () => {
    expect(
      settingsFor({
        intakeDomain: 'estate.example',
        intakeAddresses: 'complaints@estate.example,hki@estate.example',
        faxGatewayAddresses: 'Fax@Gateway.example,@efax.example',
        intakeAreaByAddress: { 'hki@estate.example': 'hk-island' },
        floodLimitPerHour: '10',
      }),
    ).toMatchObject({
      faxGatewayAddresses: ['fax@gateway.example', '@efax.example'],
      intakeAreaByAddress: '{"hki@estate.example":"hk-island"}',
      floodLimitPerHour: 10,
    });
    expect(() =>
      settingsFor({
        intakeDomain: 'estate.example',
        intakeAreaByAddress: '{"complaints@estate.example":"mars"}',
      }),
    ).toThrow(/intakeAreaByAddress: "mars"/);
    expect(() => settingsFor({ floodLimitPerHour: '0' })).toThrow(/floodLimitPerHour "0"/);
  });

  it('read the acknowledgement and reply limits, checked as the functions check them', () => {
    expect(
      settingsFor({ acknowledgementLimitPerHour: '3', replyLimitPerHour: '10', replyLimitTotal: '100' }),
    ).toMatchObject({ acknowledgementLimitPerHour: 3, replyLimitPerHour: 10, replyLimitTotal: 100 });
    expect(() => settingsFor({ replyLimitTotal: '100000' })).toThrow(/replyLimitTotal "100000"/);
    expect(() => settingsFor({ acknowledgementLimitPerHour: 'many' })).toThrow(
      /acknowledgementLimitPerHour "many"/,
    );
  });

  it('reject an empty address list', () => {
    expect(() => settingsFor({ intakeAddresses: ' , ' })).toThrow(/intakeAddresses is empty/);
  });
});

describe('the stack built from the settings', () => {
  // Bundling is skipped: these tests look at the environment and the alarm topic only.
  const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

  it('is environment-agnostic unless account and region are given, so synth needs no credentials', () => {
    expect(buildApp({ context: NO_BUNDLING }).stack.environment).toBe('aws://unknown-account/unknown-region');
    const { stack } = buildApp({ context: { ...NO_BUNDLING, account: '123456789012', region: 'eu-west-1' } });
    expect(stack.environment).toBe('aws://123456789012/eu-west-1');
    expect(stack.stackName).toBe('EstateComplaints');
  });

  it('emails alarms to alarmEmail when it is set, and to nobody otherwise', () => {
    const withEmail = Template.fromStack(
      buildApp({ context: { ...NO_BUNDLING, alarmEmail: 'ops@estate.example' } }).stack,
    );
    withEmail.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@estate.example',
    });
    Template.fromStack(buildApp({ context: NO_BUNDLING }).stack).resourceCountIs('AWS::SNS::Subscription', 0);
  });
});

describe('bin/app.ts', () => {
  it('stops before building anything when the context is wrong, saying what to fix', () => {
    const result = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'app.ts')], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      env: {
        ...process.env,
        CDK_OUTDIR: mkdtempSync(path.join(tmpdir(), 'cdk-out-')),
        CDK_CONTEXT_JSON: JSON.stringify({ intakeAddresses: 'nobody' }),
      },
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Invalid CDK context');
    expect(result.stderr).toContain('intakeAddresses: "nobody" is not an email address');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('the repeat and cluster thresholds (workflowSettings.related)', () => {
  it('are taken from the workflow settings, and a wrong one stops the synth naming it', () => {
    const settings = settingsFor({ workflowSettings: { related: { clusterUnits: 5, repeatDays: 30 } } });
    expect(JSON.parse(settings.workflowSettings ?? '{}').related).toEqual({
      clusterUnits: 5,
      repeatDays: 30,
    });
    expect(() => settingsFor({ workflowSettings: { related: { clusterUnits: 1 } } })).toThrow(
      /workflowSettings: related\.clusterUnits must be a whole number from 2 to 1000/,
    );
  });
});
