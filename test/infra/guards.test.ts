import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { FUNCTIONS, type FunctionSpec } from '#config/functions.ts';
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

  it('refuse a function whose access nobody declared (a type error), and deploy one declared as {} with no access at all', () => {
    const { access: _declared, ...undeclared } = FUNCTIONS.whoAmI;
    // @ts-expect-error FunctionSpec.access is required: config/functions.ts cannot leave it out.
    const _refused: FunctionSpec = { ...undeclared, id: 'not-in-function-access' };
    const stack = bareStack();
    const data = new DataStore(stack, 'Data');
    const handler = new HandlerFunction(stack, 'Unlisted', {
      spec: { ...undeclared, id: 'not-in-function-access', access: {} },
    });
    applyAccess(handler, { data, settings: readSettings(stack.node) });
    const template = Template.fromStack(stack);
    expect(allowedActions(template, handler)).toEqual(BASE_ACTIONS);
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(Object.keys(fn?.Properties.Environment.Variables).sort()).toEqual([
      'NODE_OPTIONS',
      'POWERTOOLS_SERVICE_NAME',
    ]);
  });
});
