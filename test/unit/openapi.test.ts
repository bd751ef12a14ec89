import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROUTES } from '#config/routes.ts';
import { PROJECT_ROOT } from '../../local/stack.ts';

const openApi = JSON.parse(readFileSync(join(PROJECT_ROOT, 'docs', 'openapi.json'), 'utf8')) as {
  openapi: string;
  paths: Record<string, Record<string, { operationId?: string; responses?: Record<string, unknown> }>>;
};

describe('the OpenAPI document', () => {
  it('documents every route of config/routes.ts, with an operation id and its responses', () => {
    for (const route of ROUTES) {
      const operation = openApi.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      expect(operation?.operationId, `${route.method} ${route.path}`).toBeTruthy();
      expect(Object.keys(operation?.responses ?? {}).length, `${route.method} ${route.path}`).toBeGreaterThan(
        0,
      );
    }
  });

  it('documents no path the API does not serve', () => {
    const served = new Set(ROUTES.map((route) => `${route.method.toLowerCase()} ${route.path}`));
    for (const [path, operations] of Object.entries(openApi.paths)) {
      for (const method of Object.keys(operations)) {
        if (method === 'parameters') continue;
        expect(served, `${method} ${path}`).toContain(`${method} ${path}`);
      }
    }
  });
});
