import { afterAll, beforeAll, describe } from 'vitest';
import { startHttpServer, type TestServer } from '../../src/platform/outbound/test-servers.js';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { startFakeMcp, type FakeMcp } from '../mcp/fake-mcp-server.js';
import { createMatrixFixtures, runMatrix, type MatrixFixtures } from './matrix.js';
import { env, mcpWebhookRows, seedToolsMcpWebhooks } from './rows/tools-mcp-webhooks.js';

/** The isolation matrix for /mcp-servers (incl. refresh and agent assignments) and /webhook-endpoints. */
describe(`isolation matrix: MCP servers and webhook endpoints (${modeName})`, () => {
  let t: TestApp;
  let fx: MatrixFixtures;
  let echo: TestServer;
  let mcp: FakeMcp;
  beforeAll(async () => {
    echo = await startHttpServer((_req, res) => void res.writeHead(200).end());
    mcp = await startFakeMcp();
    Object.assign(env, { echo: echo.origin, mcp: mcp.origin });
    t = await createTestApp({ config: { allowPrivateNetwork: true } });
    env.deps = t.deps;
    fx = await createMatrixFixtures(t.app);
    await seedToolsMcpWebhooks(fx);
  });
  afterAll(async () => {
    await t?.close();
    await echo?.close();
    await mcp?.close();
  });

  runMatrix(mcpWebhookRows, () => fx);
});
