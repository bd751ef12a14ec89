import { Duration } from 'aws-cdk-lib';
import type { ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FUNCTIONS } from '#config/functions.ts';
import { applyAccess } from '../access.ts';
import { NODE_MODULES_OF } from '../bundling/handler-bundling.ts';
import type { Settings } from '../deploy-settings.ts';
import type { DataStore } from './data.ts';
import { HandlerFunction } from './handler-function.ts';

export interface FaxOcrProps {
  readonly data: DataStore;
  readonly settings: Settings;
  /** @default RetentionDays.ONE_YEAR */
  readonly logRetention?: RetentionDays;
}

/**
 * Packages the OCR function keeps out of its bundle and installs as node_modules in its zip
 * (lib/bundling/handler-bundling.ts NODE_MODULES_OF, which the Lambda benchmark leaves external
 * too). docs/ocr.md says why a zip and not a container image, and its size.
 */
export const OCR_NODE_MODULES = NODE_MODULES_OF[FUNCTIONS.readFaxPages.entry] ?? [];

/**
 * The npm options of the asset's install: the packages' arm64 Linux builds (sharp's and the
 * canvas's native builds are optional dependencies chosen by platform, whatever machine synths),
 * and no install scripts (onnxruntime-node's would fetch CUDA libraries; its CPU builds are in
 * the package).
 */
export const OCR_INSTALL_NPMRC = 'os=linux\ncpu=arm64\nlibc=glibc\nignore-scripts=true\n';

/**
 * What the install leaves that this function never loads, removed from the asset (measured:
 * 447 MB installed, over Lambda's 250 MB unzipped limit, before): onnxruntime-node's builds for
 * other systems (macOS, Windows, x64: 270 MB), pdf.js's modern build, viewer, types and image
 * decoders (fax-pages.ts loads only legacy/build), and source maps.
 */
export const OCR_PRUNED_PATHS = [
  'node_modules/onnxruntime-node/bin/napi-v6/darwin',
  'node_modules/onnxruntime-node/bin/napi-v6/win32',
  'node_modules/onnxruntime-node/bin/napi-v6/linux/x64',
  'node_modules/pdfjs-dist/build',
  'node_modules/pdfjs-dist/web',
  'node_modules/pdfjs-dist/types',
  'node_modules/pdfjs-dist/image_decoders',
] as const;

const OCR_COMMAND_HOOKS: ICommandHooks = {
  beforeBundling: () => [],
  beforeInstall: (_inputDir: string, outputDir: string) => [
    `printf '${OCR_INSTALL_NPMRC.replaceAll('\n', '\\n')}' > "${outputDir}/.npmrc"`,
  ],
  afterBundling: (_inputDir: string, outputDir: string) => [
    ...OCR_PRUNED_PATHS.map((path) => `rm -rf "${outputDir}/${path}"`),
    `find "${outputDir}/node_modules" -name '*.map' -type f -delete`,
    `rm -f "${outputDir}/.npmrc"`,
  ],
};

/**
 * The OCR of faxed complaints (issue 19 §1): intake opens a fax that needs transcription and
 * invokes this function asynchronously with its reference, so neither intake nor the owner's
 * acknowledgement waits for the pages. Lambda retries a failed run twice; an event that still
 * fails lands in the dead-letter queue, and the clerk transcribes the fax as before.
 */
export class FaxOcr extends Construct {
  public readonly handler: HandlerFunction;
  public readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: FaxOcrProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.handler = new HandlerFunction(this, 'Reader', {
      spec: FUNCTIONS.readFaxPages,
      logRetention: props.logRetention ?? RetentionDays.ONE_YEAR,
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: 2,
      nodeModules: OCR_NODE_MODULES,
      commandHooks: OCR_COMMAND_HOOKS,
    });
    applyAccess(this.handler, { data: props.data, settings: props.settings });
  }
}
