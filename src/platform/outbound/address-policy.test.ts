import { describe, expect, it } from 'vitest';
import { classifyAddress } from './address-policy.js';

describe('classifyAddress', () => {
  it.each([
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['169.254.1.1', 'linkLocal'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fe80::1%eth0', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['fec0::1', 'deprecatedSiteLocal'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['::7f00:1', 'notGlobalUnicast'], // IPv4-compatible form of 127.0.0.1
    ['4000::1', 'notGlobalUnicast'],
    // IPv6 forms that carry a private IPv4 are judged by that IPv4
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:0:10.0.0.1', 'private'], // SIIT
    ['64:ff9b::10.0.0.1', 'private'], // NAT64
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b:1::1', 'nat64LocalUse'],
    ['2002:7f00:1::1', 'loopback'], // 6to4 of 127.0.0.1
    ['2002:c0a8:101::1', 'private'], // 6to4 of 192.168.1.1
    ['2001:0:4136:e378:8000:63bf:f5ff:fffe', 'private'], // Teredo, client ~f5ff:fffe = 10.0.0.1
  ])('%s is private (%s)', (address, range) => {
    expect(classifyAddress(address)).toEqual({ kind: 'private', range });
  });

  it.each([
    '169.254.169.254',
    '169.254.170.2',
    '100.100.100.200',
    '168.63.129.16',
    'fd00:ec2::254',
    'fd00:ec2:0::254',
    '::ffff:169.254.169.254',
    '::ffff:a9fe:a9fe',
    '64:ff9b::169.254.169.254',
    '2002:a9fe:a9fe::1',
  ])('%s is a metadata endpoint', (address) => {
    expect(classifyAddress(address)).toEqual({ kind: 'metadata' });
  });

  it.each([
    '93.184.216.34',
    '1.1.1.1',
    '8.8.8.8',
    '172.32.0.1', // just outside 172.16/12
    '100.128.0.1', // just outside 100.64/10
    '2606:4700:4700::1111',
    '2a00:1450:4001::200e',
    '::ffff:93.184.216.34',
    '64:ff9b::5db8:d822', // NAT64 of 93.184.216.34
    '2002:5db8:d822::1', // 6to4 of 93.184.216.34
  ])('%s is public', (address) => {
    expect(classifyAddress(address)).toEqual({ kind: 'public' });
  });

  it.each(['127.1', '0x7f000001', '2130706433', 'localhost', '', 'not an ip', '1.2.3.4.5'])(
    'non-canonical or invalid %j fails closed',
    (address) => {
      expect(classifyAddress(address)).toEqual({ kind: 'private', range: 'invalid' });
    },
  );
});
