import { afterAll, beforeAll, describe } from 'vitest';
import { startHttpServer, type TestServer } from '../../src/platform/outbound/test-servers.js';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { startFakeMcp, type FakeMcp } from '../mcp/fake-mcp-server.js';
import { createMatrixFixtures, runMatrix, type MatrixFixtures } from './matrix.js';
import { env, seedToolsMcpWebhooks, toolRows } from './rows/tools-mcp-webhooks.js';

/** The isolation matrix for /tools (incl. agent assignments and test calls), in its own worker. */
describe(`isolation matrix: tools (${modeName})`, () => {
  let t: TestApp;
  let fx: MatrixFixtures;
  let echo: TestServer;
  let mcp: FakeMcp;
  beforeAll(async () => {
    echo = await startHttpServer((_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
    mcp = await startFakeMcp();
    Object.assign(env, { echo: echo.origin, mcp: mcp.origin });
    // The fakes listen on 127.0.0.1, so this app may reach private addresses (development setting).
    t = await createTestApp({ config: { allowPrivateNetwork: true } });
    fx = await createMatrixFixtures(t.app);
    await seedToolsMcpWebhooks(fx);
  });
  afterAll(async () => {
    await t?.close();
    await echo?.close();
    await mcp?.close();
  });

  runMatrix(toolRows, () => fx);
});
