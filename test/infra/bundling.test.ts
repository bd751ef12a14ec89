import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { FUNCTIONS } from '#config/functions.ts';
import { HANDLER_BUNDLING, handlerBuildOptions } from '../../lib/bundling/handler-bundling.ts';
import { HandlerFunction, nodejsBundling } from '../../lib/constructs/handler-function.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'bundling-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('handler bundling', () => {
  it('deploys byte for byte the bundle the Lambda benchmark measures', async () => {
    const app = new App({ outdir: path.join(dir, 'cdk.out') });
    const stack = new Stack(app, 'Bundling');
    const handler = new HandlerFunction(stack, 'WhoAmI', { spec: FUNCTIONS.whoAmI });
    const assembly = app.synth();
    // The code's S3 key is `<asset hash>.zip`; the assembly stages the bundle in `asset.<hash>`.
    const { Properties } =
      Template.fromStack(stack).toJSON().Resources[
        stack.getLogicalId(handler.function.node.defaultChild as CfnFunction)
      ];
    const assetDir = `asset.${String(Properties.Code.S3Key).replace(/\.zip$/, '')}`;
    const deployed = readFileSync(path.join(assembly.directory, assetDir, 'index.mjs'), 'utf8');

    const outfile = path.join(dir, 'bench', 'index.mjs');
    await build(handlerBuildOptions(FUNCTIONS.whoAmI.entry, outfile));
    expect(deployed).toBe(readFileSync(outfile, 'utf8'));
    // The built-ins whose ESM facade is costly are taken without one.
    expect(deployed).toContain('process.getBuiltinModule("node:http")');
  }, 60_000);

  it('stops synth on an option NodejsFunction is not told about', () => {
    const withPlugin = { ...HANDLER_BUNDLING, splitting: true } as unknown as typeof HANDLER_BUNDLING;
    expect(() => nodejsBundling(withPlugin)).toThrow(/no NodejsFunction translation for splitting/);
  });
});
