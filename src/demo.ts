import { randomBytes } from 'node:crypto';
import type { Deps } from './deps.js';
import { signup } from './features/auth/service.js';

/** Creates a demo organization with an owner and returns login instructions. */
export async function createDemo(deps: Deps): Promise<string> {
  const email = `demo-${randomBytes(3).toString('hex')}@example.com`;
  const password = randomBytes(12).toString('base64url');
  const result = await signup(deps, { email, password, name: 'Demo Owner', organization_name: 'Demo Organization' }, {
    requestId: 'cli-demo',
    ip: '127.0.0.1',
    userAgent: 'converse-cli',
    operation: 'demo.create',
  });
  const base = `http://localhost:${deps.config.port}`;
  return [
    `Demo organization "${result.organization.name}" (${result.organization.id}) created.`,
    `  owner email:    ${email}`,
    `  owner password: ${password}`,
    '',
    'Log in:',
    `  curl -s ${base}/api/v1/auth/login -H 'content-type: application/json' \\`,
    `    -d '{"email":"${email}","password":"${password}"}'`,
    `API docs: ${base}/docs`,
    '',
  ].join('\n');
}
