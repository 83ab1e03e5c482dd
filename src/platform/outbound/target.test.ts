import { describe, expect, it } from 'vitest';
import { OutboundBlockedError, OutboundRequestError } from './errors.js';
import { parseOutboundUrl, resolveTarget, type AddressGuard } from './target.js';
import { fixedLookup, rejectionOf } from './test-servers.js';

const blocked = (reason: string) => expect.objectContaining({ name: 'OutboundBlockedError', reason });

describe('parseOutboundUrl', () => {
  // The WHATWG parser canonicalises these; we rely on it, so pin the behaviour.
  it.each([
    ['http://2130706433/', '127.0.0.1'],
    ['http://0x7f000001/', '127.0.0.1'],
    ['http://0177.0.0.1/', '127.0.0.1'],
    ['http://017700000001/', '127.0.0.1'],
    ['http://127.1/', '127.0.0.1'],
    ['http://0x7f.1/', '127.0.0.1'],
    ['http://%31%32%37.0.0.1/', '127.0.0.1'],
    ['http://0/', '0.0.0.0'],
    ['http://[::ffff:127.0.0.1]/', '[::ffff:7f00:1]'],
    ['http://[0:0:0:0:0:0:0:1]/', '[::1]'],
    ['http://LOCALHOST./', 'localhost.'],
  ])('%s has hostname %s', (input, hostname) => {
    expect(parseOutboundUrl(input).hostname).toBe(hostname);
  });

  it.each(['ftp://example.com/', 'file:///etc/passwd', 'gopher://127.0.0.1:6379/', 'data:text/plain,hi', 'javascript:alert(1)'])(
    'refuses scheme of %s',
    (input) => {
      expect(() => parseOutboundUrl(input)).toThrow(blocked('unsupported_scheme'));
    },
  );

  it('refuses unparseable URLs without echoing them', () => {
    const err = (() => {
      try {
        parseOutboundUrl('http://[::1/secret-token');
      } catch (e) {
        return e as OutboundBlockedError;
      }
    })();
    expect(err).toEqual(blocked('invalid_url'));
    expect(err?.message).not.toContain('secret-token');
  });
});

describe('resolveTarget', () => {
  const lookup = fixedLookup({
    'evil.test': ['127.0.0.1'],
    'public.test': ['93.184.216.34'],
    'public6.test': ['2606:4700:4700::1111'],
    'mixed.test': ['93.184.216.34', '10.0.0.7'],
    'mapped.test': ['::ffff:127.0.0.1'],
    'meta.test': ['169.254.169.254'],
    'garbage.test': ['127.1'],
    'empty.test': [],
  });
  const strict: AddressGuard = { allowPrivateNetwork: false, lookup };
  const dev: AddressGuard = { allowPrivateNetwork: true, lookup };
  const resolve = (url: string, guard = strict) => resolveTarget(new URL(url), guard);

  it('allows names that resolve to public addresses (no connection is made here)', async () => {
    await expect(resolve('https://public.test/x')).resolves.toEqual([{ address: '93.184.216.34', family: 4 }]);
    await expect(resolve('https://public6.test/x')).resolves.toEqual([{ address: '2606:4700:4700::1111', family: 6 }]);
  });

  it.each(['http://evil.test/', 'http://mixed.test/', 'http://mapped.test/', 'http://garbage.test/'])(
    'refuses %s, which resolves to a private address',
    async (url) => {
      await expect(resolve(url)).rejects.toEqual(blocked('private_address'));
    },
  );

  it('allows private answers in development mode but never metadata', async () => {
    await expect(resolve('http://evil.test/', dev)).resolves.toEqual([{ address: '127.0.0.1', family: 4 }]);
    await expect(resolve('http://meta.test/', dev)).rejects.toEqual(blocked('metadata_address'));
    await expect(resolve('http://169.254.169.254/', dev)).rejects.toEqual(blocked('metadata_address'));
    await expect(resolve('http://[fd00:ec2::254]/', dev)).rejects.toEqual(blocked('metadata_address'));
  });

  it.each(['http://metadata.google.internal/', 'http://METADATA.GOOGLE.INTERNAL./', 'http://metadata.goog/', 'http://instance-data/'])(
    'refuses metadata host name %s before any DNS query',
    async (url) => {
      const before = lookup.calls.length;
      await expect(resolve(url, dev)).rejects.toEqual(blocked('metadata_address'));
      expect(lookup.calls.length).toBe(before);
    },
  );

  it.each(['http://localhost/', 'http://LocalHost./', 'http://api.localhost/'])('refuses %s by name', async (url) => {
    await expect(resolve(url)).rejects.toEqual(blocked('private_address'));
  });

  it('reports DNS failures as OutboundRequestError dns_failed', async () => {
    await expect(resolve('http://nxdomain.test/')).rejects.toBeInstanceOf(OutboundRequestError);
    await expect(resolve('http://empty.test/')).rejects.toMatchObject({ code: 'dns_failed' });
  });

  it('keeps the refused address out of the message but on the error', async () => {
    const err = await rejectionOf<OutboundBlockedError>(resolve('http://evil.test/'));
    expect(err.address).toBe('127.0.0.1');
    expect(err.message).not.toContain('127.0.0.1');
  });
});
