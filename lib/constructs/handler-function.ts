import path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { type IGrantable, type IPrincipal, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import {
  type BundlingOptions,
  type ICommandHooks,
  LogLevel,
  NodejsFunction,
  OutputFormat,
  SourceMapMode,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FunctionSpec } from '#config/functions.ts';
import { HANDLER_BUNDLING, PROJECT_ROOT } from '../bundling/handler-bundling.ts';

/**
 * The project root, from this file's location rather than the working directory, so entry
 * paths and the lock file resolve the same under `cdk synth`, vitest and any other caller.
 */
export { PROJECT_ROOT };

/** Powertools service name shared by every handler (lambdas/commons/powertools.ts reads it). */
export const SERVICE_NAME = 'complaints';

/**
 * HANDLER_BUNDLING (lib/bundling/handler-bundling.ts, which the Lambda benchmark bundles with
 * too) as NodejsFunction's bundling props. A key this does not translate stops synth, so the
 * deployed bundles and the measured ones cannot drift apart.
 */
export function nodejsBundling(options: typeof HANDLER_BUNDLING = HANDLER_BUNDLING): BundlingOptions {
  const translated = new Set([
    'bundle',
    'platform',
    'format',
    'target',
    'mainFields',
    'banner',
    'minify',
    'sourcemap',
    'sourcesContent',
    'external',
    'alias',
    'logLevel',
  ]);
  const unknown = Object.keys(options).filter((key) => !translated.has(key));
  if (unknown.length > 0) {
    throw new Error(
      `lib/bundling/handler-bundling.ts: no NodejsFunction translation for ${unknown.join(', ')}`,
    );
  }
  // NodejsFunction always runs `esbuild --bundle --platform=node`; ESM output and an external
  // source map are what the rest of this construct (and Lambda's `index.handler`) expect.
  if (
    options.bundle !== true ||
    options.platform !== 'node' ||
    options.format !== 'esm' ||
    options.sourcemap !== 'external' ||
    options.logLevel !== 'warning'
  ) {
    throw new Error(
      'lib/bundling/handler-bundling.ts: bundle, platform, format, sourcemap or logLevel changed',
    );
  }
  return {
    format: OutputFormat.ESM,
    target: options.target,
    mainFields: [...options.mainFields],
    banner: options.banner.js,
    minify: options.minify,
    sourceMap: true,
    sourceMapMode: SourceMapMode.EXTERNAL,
    sourcesContent: options.sourcesContent,
    // Bundled, with nothing left to the runtime: see HANDLER_BUNDLING for why.
    bundleAwsSDK: true,
    externalModules: [...options.external],
    logLevel: LogLevel.WARNING,
    esbuildArgs: { '--alias': Object.entries(options.alias).map(([name, target]) => `${name}=${target}`) },
  };
}

export interface HandlerFunctionProps {
  /** The function's entry in config/functions.ts: entry file, description, memory, timeout. */
  readonly spec: FunctionSpec;
  /** Extra environment variables (POWERTOOLS_SERVICE_NAME is always set). @default - none */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default RetentionDays.ONE_YEAR */
  readonly logRetention?: RetentionDays;
  /** Queue for events of asynchronous invocations that failed every attempt. @default - none */
  readonly deadLetterQueue?: IQueue;
  /** Retries of a failed asynchronous invocation (0-2). @default 2, Lambda's default */
  readonly retryAttempts?: number;
  /**
   * Packages left out of the bundle and installed in the asset's node_modules (native code,
   * files read at run time: lib/constructs/fax-ocr.ts). @default - none, everything bundled
   */
  readonly nodeModules?: readonly string[];
  /** Commands around the install of those packages (lib/constructs/fax-ocr.ts). @default - none */
  readonly commandHooks?: ICommandHooks;
}

/**
 * A Lambda handler of this project, set up once: Node.js 24 on arm64, X-Ray tracing, an ESM
 * bundle with source maps, its own log group with a retention, and its own role that may
 * write only to that log group (no AWS managed policy). Callers add environment variables
 * and grants together, next to each other.
 */
export class HandlerFunction extends Construct implements IGrantable {
  public readonly function: NodejsFunction;
  public readonly role: Role;
  public readonly logGroup: LogGroup;
  public readonly spec: FunctionSpec;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    this.spec = props.spec;

    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.spec.id}: ${props.spec.description}`.slice(0, 1000),
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: path.join(PROJECT_ROOT, props.spec.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      description: props.spec.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.spec.memoryMb ?? 256,
      timeout: Duration.seconds(props.spec.timeoutSeconds ?? 30),
      tracing: Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {}),
      ...(props.retryAttempts !== undefined ? { retryAttempts: props.retryAttempts } : {}),
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: props.nodeModules?.length
        ? {
            ...nodejsBundling(),
            nodeModules: [...props.nodeModules],
            ...(props.commandHooks ? { commandHooks: props.commandHooks } : {}),
          }
        : nodejsBundling(),
    });

    // X-Ray's PutTraceSegments/PutTelemetryRecords have no resource-level permissions, so the
    // statement `Tracing.ACTIVE` adds to this role must name `*`.
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only the X-Ray statement CDK adds for active tracing (xray:PutTraceSegments, xray:PutTelemetryRecords), which supports no resource-level permissions.',
    });
  }

  public get grantPrincipal(): IPrincipal {
    return this.role;
  }

  /** Sets an environment variable on the function. Pair it with the grant it needs. */
  public addEnvironment(key: string, value: string): this {
    this.function.addEnvironment(key, value);
    return this;
  }
}

/** `create-task` → `CreateTask`: a stable, readable construct id for a config entry (function, role). */
export function constructIdFor(spec: { readonly id: string }): string {
  return spec.id.replace(/(^|-)([a-z0-9])/g, (_match, _dash, char: string) => char.toUpperCase());
}
