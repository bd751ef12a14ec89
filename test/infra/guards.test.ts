import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { FUNCTIONS } from '#config/functions.ts';
import { applyAccess } from '../../lib/access.ts';
import { DataStore } from '../../lib/constructs/data.ts';
import { HandlerFunction } from '../../lib/constructs/handler-function.ts';
import { ASL_PATH, Workflow } from '../../lib/constructs/workflow.ts';
import { readSettings } from '../../lib/deploy-settings.ts';
import { allowedActions, BASE_ACTIONS } from './support.ts';

/** A bare stack with bundling skipped: these tests look at construct wiring only. */
function bareStack(): Stack {
  const app = new App({
    context: { 'aws:cdk:bundling-stacks': [], '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true },
  });
  return new Stack(app, 'Guards');
}

describe('guards against config drift', () => {
  it('stop synth when the ASL uses a placeholder no function declares', () => {
    const stack = bareStack();
    const dir = mkdtempSync(path.join(tmpdir(), 'asl-'));
    const definitionPath = path.join(dir, 'complaint.asl.json');
    writeFileSync(
      definitionPath,
      readFileSync(ASL_PATH, 'utf8').replace(/"\$\{[A-Za-z0-9_]+\}"/, '"${UnknownFunctionArn}"'),
    );
    expect(
      () =>
        new Workflow(stack, 'Workflow', {
          data: new DataStore(stack, 'Data'),
          settings: readSettings(stack.node),
          definitionPath,
        }),
    ).toThrow(/uses \$\{UnknownFunctionArn\}, which no function of config\/functions\.ts declares/);
  });

  it('deploy a function whose access nobody declared with no access at all, and warn', () => {
    const stack = bareStack();
    const data = new DataStore(stack, 'Data');
    const handler = new HandlerFunction(stack, 'Unlisted', {
      spec: { ...FUNCTIONS.whoAmI, id: 'not-in-function-access' },
    });
    applyAccess(handler, { data, settings: readSettings(stack.node) });
    Annotations.fromStack(stack).hasWarning(
      '/Guards/Unlisted',
      Match.stringLikeRegexp('not-in-function-access has no entry in FUNCTION_ACCESS'),
    );
    expect(allowedActions(Template.fromStack(stack), handler)).toEqual(BASE_ACTIONS);
  });
});
