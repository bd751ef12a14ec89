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
        TimeoutSecondsPath: `$.step.due.${step}`,
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

  it('declares every function entry that exists on disk', () => {
    for (const spec of FUNCTION_SPECS)
      expect(existsSync(join(PROJECT_ROOT, spec.entry)), spec.entry).toBe(true);
  });
});
