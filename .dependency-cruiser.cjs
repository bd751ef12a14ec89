/**
 * The import rules of README "Layout", checked by test/infra/architecture.test.ts (and by
 * `npx depcruise lambdas web/src` for a report). Files are parsed with swc, because
 * dependency-cruiser cannot use TypeScript 7.0's compiler API; swc keeps type-only imports,
 * so a cycle made of `import type` counts as a cycle.
 */
const SDK = 'node_modules/(@aws-sdk|@aws-lambda-powertools|@middy)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      comment:
        'Modules import each other, type-only imports included: move what both need into one of their own.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      comment:
        'lambdas/domain/ is pure: no AWS SDK, no Powertools, no middy, nothing from adapters, services or commons.',
      severity: 'error',
      from: { path: '^lambdas/domain/' },
      to: { path: [SDK, '^lambdas/(adapters|services|commons)/'] },
    },
    {
      name: 'sdk-only-in-adapters',
      comment: 'The AWS SDK is used in lambdas/adapters/ only: handlers and services go through an adapter.',
      severity: 'error',
      from: { path: '^lambdas/', pathNot: '^lambdas/adapters/' },
      to: { path: 'node_modules/@aws-sdk/' },
    },
    {
      name: 'commons-below-adapters',
      comment:
        'lambdas/commons/ (HTTP edge, middy, Powertools, environment) is used by adapters and services, never the reverse.',
      severity: 'error',
      from: { path: '^lambdas/commons/' },
      to: { path: '^lambdas/(adapters|services)/' },
    },
    {
      name: 'web-stays-out-of-the-backend',
      comment: 'The web app shares domain/ and config/ only: never the backend layers or the SDK.',
      severity: 'error',
      from: { path: '^web/src/' },
      to: { path: [SDK, '^lambdas/(adapters|services|commons)/'] },
    },
  ],
  options: {
    parser: 'swc',
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(web/dist|cdk\\.out|\\.local)/' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
