import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { generateApiSchema, SCHEMA_FILE } from '../../console/scripts/api-schema.js';

describe('console API types', () => {
  // Builds the whole app and its OpenAPI document: well within the default budget alone, not always on a loaded CI machine.
  it('console/src/api/schema.d.ts matches the OpenAPI document (else run `npm run console:api`)', { timeout: 120_000 }, async () => {
    const committed = await readFile(SCHEMA_FILE, 'utf8');
    const fresh = await generateApiSchema();
    expect(fresh).toContain('"/api/v1/agents"');
    expect(committed === fresh, 'console/src/api/schema.d.ts is stale: run `npm run console:api` and commit it').toBe(true);
  });
});
