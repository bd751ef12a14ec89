import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { stateMachineFunctions } from '#config/functions.ts';
import { ASL_PATH } from '../../lib/constructs/workflow.ts';

interface AslValidation {
  readonly isValid: boolean;
  errorsText(separator?: string): string;
}
// asl-validator is CommonJS without type declarations.
const aslValidator = createRequire(import.meta.url)('asl-validator') as (
  definition: unknown,
) => AslValidation;

interface AslState {
  readonly Type: string;
  readonly Resource?: string;
  readonly Retry?: readonly { ErrorEquals: string[] }[];
  readonly Catch?: readonly { ErrorEquals: string[]; Next: string }[];
  readonly TimeoutSeconds?: number;
  readonly TimeoutSecondsPath?: string;
  readonly Next?: string;
}

const aslText = readFileSync(ASL_PATH, 'utf8');
const DUMMY_LAMBDA_ARN = 'arn:aws:lambda:ap-east-1:123456789012:function:dummy';
const PLACEHOLDER = /\$\{([A-Za-z0-9_]+)\}/g;
const definition = JSON.parse(aslText.replace(PLACEHOLDER, DUMMY_LAMBDA_ARN)) as {
  StartAt: string;
  QueryLanguage?: string;
  States: Record<string, AslState>;
};
const states = Object.entries(definition.States);
const tasks = states.filter(([, state]) => state.Type === 'Task');

/**
 * Sentence case: a capital first letter; later words (hyphenated or not) in lower case, or
 * an all-capitals acronym; a Choice may end in a question mark.
 */
const SENTENCE_CASE = /^[A-Z][a-z0-9]*(?:-[a-z0-9]+)*(?: (?:[a-z0-9]+(?:-[a-z0-9]+)*|[A-Z0-9]{2,}))*\??$/;

describe('statemachine/complaint.asl.json', () => {
  it('is valid Amazon States Language once its placeholders are bound to a Lambda ARN', () => {
    const result = aslValidator(definition);
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('uses a placeholder for every function it invokes, each one the config knows', () => {
    const placeholders = new Set([...aslText.matchAll(PLACEHOLDER)].map((match) => match[1]));
    expect(placeholders.size).toBeGreaterThan(0);
    expect([...placeholders].sort()).toEqual([...stateMachineFunctions().keys()].sort());
  });

  it('is written in JSONPath, which the local emulator runs (no JSONata)', () => {
    expect(definition.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
  });

  it.each(states.map(([name]) => name))('names state "%s" in sentence case', (name) => {
    expect(name).toMatch(SENTENCE_CASE);
  });

  it.each(tasks)('gives task "%s" a Retry and a Catch that ends in States.ALL', (_name, state) => {
    expect(state.Retry?.length ?? 0).toBeGreaterThan(0);
    expect(state.Catch?.length ?? 0).toBeGreaterThan(0);
    expect(state.Catch?.at(-1)?.ErrorEquals).toEqual(['States.ALL']);
  });

  it.each(tasks.filter(([, state]) => state.Resource?.endsWith('.waitForTaskToken')))(
    'gives human step "%s" a deadline whose timeout is caught, never failed',
    (_name, state) => {
      expect(state.TimeoutSecondsPath ?? state.TimeoutSeconds).toBeDefined();
      const onTimeout = state.Catch?.find((c) => c.ErrorEquals.includes('States.Timeout'));
      expect(onTimeout).toBeDefined();
      expect(definition.States[onTimeout?.Next ?? '']?.Type).not.toBe('Fail');
    },
  );

  it('names only existing states in StartAt, Next and Catch', () => {
    const names = new Set(Object.keys(definition.States));
    const targets = [
      definition.StartAt,
      ...states.flatMap(([, state]) => [state.Next, ...(state.Catch ?? []).map((c) => c.Next)]),
    ].filter((target): target is string => target !== undefined);
    for (const target of targets) expect(names).toContain(target);
  });
});
