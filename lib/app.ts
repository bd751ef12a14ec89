import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ComplaintsStack } from './complaints-stack.ts';
import { readSettings, type Settings } from './deploy-settings.ts';
import { IntakeRegionStack } from './intake-region-stack.ts';

/**
 * Feature flags this stack is written for, as defaults: cdk.json or `-c` still override them.
 * Without the first, server access logging falls back to ACLs, which the buckets disable.
 */
export const FEATURE_FLAGS: Readonly<Record<string, unknown>> = {
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  '@aws-cdk/aws-s3:createDefaultLoggingPolicy': true,
  '@aws-cdk/aws-s3:publicAccessBlockedByDefault': true,
  '@aws-cdk/aws-iam:minimizePolicies': true,
  '@aws-cdk/core:enablePartitionLiterals': true,
  '@aws-cdk/core:validateSnapshotRemovalPolicy': true,
  '@aws-cdk/aws-kms:aliasNameRef': true,
  '@aws-cdk/aws-cloudwatch-actions:changeLambdaPermissionLogicalIdForLambdaAction': true,
};

export interface BuildAppProps extends AppProps {
  /**
   * Run cdk-nag's AwsSolutions checks at synth. Only a test that audits the acknowledgements
   * themselves turns this off.
   * @default true
   */
  readonly checks?: boolean;
}

export interface ComplaintsApp {
  readonly app: App;
  /** The stack of the data and the workflow (in the home region of a split deployment). */
  readonly stack: ComplaintsStack;
  /** A split deployment's intake stack, in the SES receiving region (`intakeRegion`). */
  readonly intakeStack?: IntakeRegionStack;
  readonly settings: Settings;
}

/**
 * Builds the app exactly as `cdk synth` does (bin/app.ts), so tests check the real wiring:
 * settings from context, the stack, and cdk-nag's AwsSolutions checks as a validation
 * plugin. Any finding not acknowledged with a reason fails synthesis (`ValidationFailed`).
 */
export function buildApp(props: BuildAppProps = {}): ComplaintsApp {
  const { checks = true, ...appProps } = props;
  const app = new App({ ...appProps, context: { ...FEATURE_FLAGS, ...appProps.context } });
  const settings = readSettings(app.node);
  const stack = new ComplaintsStack(app, 'Complaints', {
    stackName: settings.stackName,
    description: 'Property-management complaint workflow: email intake, procedure workflow, staff API',
    // Environment-agnostic unless account/region come from context: synth needs no credentials.
    ...(settings.account || settings.region
      ? {
          env: {
            ...(settings.account ? { account: settings.account } : {}),
            ...(settings.region ? { region: settings.region } : {}),
          },
        }
      : {}),
    settings,
  });
  let intakeStack: IntakeRegionStack | undefined;
  if (settings.intakeRegion) {
    intakeStack = new IntakeRegionStack(app, 'MailIntake', {
      stackName: `${settings.stackName}-MailIntake`,
      description: `Complaint mail intake: SES receives in ${settings.intakeRegion} and forwards to ${settings.region}`,
      env: {
        ...(settings.account ? { account: settings.account } : {}),
        region: settings.intakeRegion,
      },
      settings,
    });
    // It writes to the home stack's bucket and invokes its function: deployed after it.
    intakeStack.addStackDependency(stack);
  }
  // A validation plugin, not an Aspect: it reads the finished tree and reports at synth.
  if (checks) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, ...(intakeStack ? { intakeStack } : {}), settings };
}
