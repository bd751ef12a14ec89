import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FUNCTION_SPECS, stateMachineFunctions } from '#config/functions.ts';
import { STEP_IDS, STEPS } from '#config/workflow.ts';
import { ASL_FILE, PROJECT_ROOT } from '../../local/stack.ts';
import { allTaskStates, placeholdersOf } from '../../local/stepfunctions/engine.ts';
import { renderDefinition } from '../../statemachine/generate.ts';

const text = readFileSync(ASL_FILE, 'utf8');
const definition = JSON.parse(text) as {
  States: Record<string, { Type: string; Parameters?: { FunctionName?: string } }>;
};

describe('the complaint state machine file', () => {
  it('is what statemachine/generate.ts makes of config/workflow.ts (run `npm run generate:asl` after changing either)', () => {
    expect(text).toBe(renderDefinition());
  });

  it('gives every Task state a local handler: its placeholder names a function whose entry file exports a handler', async () => {
    const byPlaceholder = stateMachineFunctions();
    for (const [name, state] of allTaskStates(definition.States as never)) {
      const placeholder = /^\$\{(\w+)\}$/.exec(String(state.Parameters?.FunctionName ?? ''))?.[1];
      expect(placeholder, `${name} invokes a function through a placeholder`).toBeDefined();
      const spec = byPlaceholder.get(String(placeholder));
      expect(spec, `${name}: \${${placeholder}} is declared in config/functions.ts`).toBeDefined();
      const entry = join(PROJECT_ROOT, String(spec?.entry));
      expect(existsSync(entry), `${spec?.entry} exists`).toBe(true);
    }
    expect([...placeholdersOf(text)].sort()).toEqual([...byPlaceholder.keys()].sort());
  });

  it('has a state for every human step of config/workflow.ts, which waits for a task token with a business-time deadline', () => {
    for (const step of STEP_IDS) {
      const state = definition.States[STEPS[step].state] as Record<string, unknown> | undefined;
      expect(state, STEPS[step].state).toMatchObject({
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        // Work in progress wakes for a progress notice before its deadline when one comes
        // first (lambdas/domain/progress.ts); its task still shows the deadline.
        TimeoutSecondsPath: step === 'workInProgress' ? '$.step.due.workWake' : `$.step.due.${step}`,
        Parameters: { Payload: { 'timeoutSeconds.$': `$.step.due.${step}` } },
      });
    }
  });

  it('catches every timeout of a human step into a state, never into a failed execution', () => {
    for (const step of STEP_IDS) {
      const state = definition.States[STEPS[step].state] as unknown as {
        Catch: { ErrorEquals: string[]; Next: string }[];
      };
      const timeout = state.Catch.find((c) => c.ErrorEquals.includes('States.Timeout'));
      expect(timeout?.Next, STEPS[step].state).toBeDefined();
      expect(definition.States[String(timeout?.Next)]?.Type).not.toBe('Fail');
    }
  });

  it('sends every Task that fails after its retries to Resolve workflow error, naming the state, and routes its decision back to that state or on to the next', () => {
    const states = definition.States as unknown as Record<
      string,
      {
        Type: string;
        Next?: string;
        Catch?: { ErrorEquals: string[]; Next: string }[];
        Parameters?: Record<string, unknown>;
        Choices?: { And?: { Variable: string; StringEquals: string }[]; Next: string }[];
      }
    >;
    const decision = states['Workflow error decision'];
    const routes = (action: string, state: string) =>
      decision?.Choices?.find(
        (c) =>
          c.And?.some((r) => r.Variable === '$.failure.state' && r.StringEquals === state) &&
          c.And?.some((r) => r.Variable === '$.step.decision.action' && r.StringEquals === action),
      )?.Next;
    const tasks = Object.entries(states).filter(([, state]) => state.Type === 'Task');
    for (const [name, state] of tasks) {
      const last = state.Catch?.at(-1);
      expect(last?.ErrorEquals, name).toEqual(['States.ALL']);
      if (name === 'Resolve workflow error') {
        // Not even the resolving task opened: the one way left to fail.
        expect(states[String(last?.Next)]?.Type).toBe('Fail');
        continue;
      }
      if (name === 'Record workflow error') {
        expect(last?.Next).toBe('Resolve workflow error');
        continue;
      }
      const failed = states[String(last?.Next)];
      expect(last?.Next, name).toBe(`${name} failed`);
      expect(failed).toMatchObject({ Type: 'Pass', Next: 'Record workflow error', ResultPath: '$.failure' });
      expect(failed?.Parameters).toMatchObject({ state: name, 'error.$': '$.failure' });
      expect(routes('retry', name), `${name} retried`).toBe(name);
      expect(routes('skip', name), `${name} skipped`).toBe(state.Next);
    }
    expect(decision?.Choices?.at(-1)).toMatchObject({
      StringEquals: 'close-by-error',
      Next: 'Archive record',
    });
    // Nothing but the last resort fails the execution.
    const fails = Object.entries(states).filter(([, state]) => state.Type === 'Fail');
    expect(fails.map(([name]) => name)).toEqual(['Workflow failed']);
  });

  it('declares every function entry that exists on disk', () => {
    for (const spec of FUNCTION_SPECS)
      expect(existsSync(join(PROJECT_ROOT, spec.entry)), spec.entry).toBe(true);
  });
});
