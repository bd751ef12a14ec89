import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../local/stack.ts';

const LAMBDAS = join(PROJECT_ROOT, 'lambdas');
/** An import or re-export of an AWS SDK package, type-only ones included. */
const SDK_IMPORT = /\b(?:from|import)\s*\(?\s*['"]@aws-sdk\//;

function sourcesOf(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourcesOf(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('the AWS SDK in lambdas/', () => {
  it('is imported by adapters only: handlers, services, domain and commons go through them', () => {
    const outside = sourcesOf(LAMBDAS)
      .map((path) => relative(LAMBDAS, path))
      .filter((path) => !path.startsWith('adapters/'))
      .filter((path) => SDK_IMPORT.test(readFileSync(join(LAMBDAS, path), 'utf8')));
    expect(outside).toEqual([]);
  });

  it('is found by the check above, which would otherwise pass on nothing', () => {
    const adapters = sourcesOf(join(LAMBDAS, 'adapters')).filter((path) =>
      SDK_IMPORT.test(readFileSync(path, 'utf8')),
    );
    expect(adapters.map((path) => relative(LAMBDAS, path))).toContain('adapters/workflow.ts');
  });

  it('puts items only through clients.ts, which measures each against the 400 KB limit first', () => {
    // A PutCommand goes to putItem or writeIfCondition; a batch to putItems. Sent any other way,
    // an oversize item would reach DynamoDB, fail, and fail again on every retry.
    const direct = /\.send\(\s*new\s+(?:PutCommand|BatchWriteCommand|TransactWriteCommand)\b/;
    const sending = sourcesOf(LAMBDAS)
      .map((path) => relative(LAMBDAS, path))
      .filter((path) => path !== 'adapters/clients.ts')
      .filter((path) => direct.test(readFileSync(join(LAMBDAS, path), 'utf8')));
    expect(sending).toEqual([]);
    expect(direct.test(readFileSync(join(LAMBDAS, 'adapters/clients.ts'), 'utf8'))).toBe(true);
  });
});
