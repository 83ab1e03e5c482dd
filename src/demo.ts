import { randomBytes } from 'node:crypto';
import type { Deps } from './deps.js';
import { signup } from './features/auth/service.js';

interface DemoAccount {
  email: string;
  password: string;
  name: string;
  organization_name: string;
}

const newDemoAccount = (): DemoAccount => ({
  email: `demo-${randomBytes(3).toString('hex')}@example.com`,
  password: randomBytes(12).toString('base64url'),
  name: 'Demo Owner',
  organization_name: 'Demo Organization',
});

/** Creates a demo organization with an owner in the database this process opened; returns login instructions. */
export async function createDemo(deps: Deps): Promise<string> {
  const account = newDemoAccount();
  const result = await signup(deps, account, { requestId: 'cli-demo', ip: '127.0.0.1', userAgent: 'converse-cli', operation: 'demo.create' });
  return demoInstructions(`http://localhost:${deps.config.port}`, account, result.organization);
}

/**
 * Creates the demo organization through a running server's API (`POST /auth/signup`): the embedded
 * database belongs to that server, so this is the only way the demo lands where the server can see it.
 */
export async function createDemoOverHttp(baseUrl: string): Promise<string> {
  const account = newDemoAccount();
  let res: Response;
  try {
    res = await fetch(`${baseUrl}/api/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'converse-cli' },
      body: JSON.stringify(account),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    throw new Error(`could not reach the running server at ${baseUrl}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const body = (await res.json().catch(() => null)) as { organization?: { id: string; name: string }; error?: { message?: string } } | null;
  if (res.status !== 201 || !body?.organization) {
    throw new Error(`the running server at ${baseUrl} refused the demo signup (${res.status}${body?.error?.message ? `: ${body.error.message}` : ''})`);
  }
  return demoInstructions(baseUrl, account, body.organization);
}

function demoInstructions(base: string, account: DemoAccount, organization: { id: string; name: string }): string {
  return [
    `Demo organization "${organization.name}" (${organization.id}) created.`,
    `  owner email:    ${account.email}`,
    `  owner password: ${account.password}`,
    '',
    'Log in:',
    `  curl -s ${base}/api/v1/auth/login -H 'content-type: application/json' \\`,
    `    -d '{"email":"${account.email}","password":"${account.password}"}'`,
    `API docs: ${base}/docs`,
    '',
  ].join('\n');
}
