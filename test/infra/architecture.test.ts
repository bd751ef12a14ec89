import { createRequire } from 'node:module';
import { join } from 'node:path';
import { cruise, type IConfiguration, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../local/stack.ts';

/**
 * The import rules of README "Layout" (.dependency-cruiser.cjs), checked over lambdas/ and
 * web/src/: no cycles (type-only imports count), a pure domain, the AWS SDK in adapters only,
 * commons below adapters and services, and a web app that shares only domain/ and config/.
 */
const config = createRequire(import.meta.url)('../../.dependency-cruiser.cjs') as IConfiguration;
const FIXTURE = join(PROJECT_ROOT, 'test', 'fixtures', 'architecture');

async function cruiseTree(baseDir: string): Promise<ICruiseResult> {
  const { output } = await cruise(['lambdas', 'web/src'], {
    ...config.options,
    baseDir,
    ruleSet: { forbidden: config.forbidden ?? [] },
    validate: true,
    outputType: 'json',
  });
  return JSON.parse(output as string) as ICruiseResult;
}

/** A package as imported (`@aws-sdk/client-s3`), a module as its path from the tree's root. */
const target = (violation: IViolation) =>
  violation.to.includes('node_modules/') ? (violation.unresolvedTo ?? violation.to) : violation.to;

/** One line per violation: `rule: from → to`, a cycle as the whole loop. */
function linesOf(result: ICruiseResult): string[] {
  return result.summary.violations
    .map((violation) =>
      violation.cycle
        ? `${violation.rule.name}: ${[violation.from, ...violation.cycle.map((step) => step.name)].join(' → ')}`
        : `${violation.rule.name}: ${violation.from} → ${target(violation)}`,
    )
    .sort();
}

/** Imports the cruiser could not resolve: with any, a rule could pass for want of an edge. */
const unresolvedIn = (result: ICruiseResult) =>
  result.modules.flatMap((module) =>
    module.dependencies
      .filter((dependency) => dependency.couldNotResolve)
      .map((dependency) => `${module.source} → ${dependency.module}`),
  );

describe('the import graph of lambdas/ and web/src/', () => {
  it('breaks none of the layout rules', async () => {
    const result = await cruiseTree(PROJECT_ROOT);
    expect(unresolvedIn(result)).toEqual([]);
    // Resolution through the package.json aliases (#domain/*) is what makes the rules bite.
    const aliased = result.modules.flatMap((m) => m.dependencies).filter((d) => d.module.startsWith('#'));
    expect(aliased.length).toBeGreaterThan(50);
    expect(linesOf(result)).toEqual([]);
  });
});

describe('each rule of .dependency-cruiser.cjs', () => {
  it('finds the violations planted in test/fixtures/architecture, and only those', async () => {
    const result = await cruiseTree(FIXTURE);
    expect(unresolvedIn(result)).toEqual([]);
    expect(linesOf(result)).toEqual(
      [
        'commons-below-adapters: lambdas/commons/http.ts → lambdas/adapters/store.ts',
        'domain-is-pure: lambdas/domain/impure.ts → @aws-lambda-powertools/logger',
        'domain-is-pure: lambdas/domain/impure.ts → @aws-sdk/client-s3',
        'domain-is-pure: lambdas/domain/impure.ts → @middy/core',
        'domain-is-pure: lambdas/domain/impure.ts → lambdas/adapters/store.ts',
        'no-cycle: lambdas/domain/record.ts → lambdas/domain/summary.ts → lambdas/domain/record.ts',
        'sdk-only-in-adapters: lambdas/domain/impure.ts → @aws-sdk/client-s3',
        'sdk-only-in-adapters: lambdas/get-thing.ts → @aws-sdk/client-s3',
        'sdk-only-in-adapters: lambdas/services/start-workflow.ts → @aws-sdk/client-sfn',
        'web-stays-out-of-the-backend: web/src/page.tsx → @aws-sdk/client-s3',
        'web-stays-out-of-the-backend: web/src/page.tsx → lambdas/commons/http.ts',
      ].sort(),
    );
  });

  it('counts a cycle made only of type imports', async () => {
    const result = await cruiseTree(FIXTURE);
    const cycle = result.summary.violations.find((violation) => violation.rule.name === 'no-cycle');
    expect(cycle?.cycle?.every((step) => step.dependencyTypes.includes('type-only'))).toBe(true);
  });
});
