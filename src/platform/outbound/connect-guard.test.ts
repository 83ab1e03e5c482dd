import { once } from 'node:events';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { createConnectGuard } from './connect-guard.js';
import { OutboundBlockedError } from './errors.js';

describe('createConnectGuard (WebSocket and other non-fetch connections)', () => {
  it('refuses private and metadata addresses for ws and wss URLs, by literal or by name', async () => {
    const strict = createConnectGuard({ allowPrivateNetwork: false, lookup: async () => ['10.0.0.7'] });
    await expect(strict(new URL('ws://127.0.0.1:8080/v1/listen'))).rejects.toBeInstanceOf(OutboundBlockedError);
    await expect(strict(new URL('wss://speech.example.com/v1/listen'))).rejects.toMatchObject({ reason: 'private_address' });
    const open = createConnectGuard({ allowPrivateNetwork: true });
    await expect(open(new URL('wss://169.254.169.254/v1/listen'))).rejects.toMatchObject({ reason: 'metadata_address' });
  });

  it('returns a lookup pinned to the checked address, which the socket then connects to', async () => {
    const server = net.createServer((s) => s.end());
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as net.AddressInfo).port;
    let asked = 0;
    const guard = createConnectGuard({ allowPrivateNetwork: true, lookup: async () => (asked++ === 0 ? ['127.0.0.1'] : ['10.9.9.9']) });
    const lookup = await guard(new URL(`ws://speech.test:${port}/v1/listen`));
    const socket = net.connect({ host: 'speech.test', port, lookup });
    await once(socket, 'connect');
    expect(socket.remoteAddress).toBe('127.0.0.1');
    expect(asked).toBe(1); // the name was resolved once, for the check; the connect did not ask again
    socket.destroy();
    server.close();
  });
});
