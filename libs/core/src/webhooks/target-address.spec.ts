import { blockedRange, isLocalhostName } from './target-address';

/** The host a URL really names, as deliveries see it (brackets of an IPv6 literal dropped). */
const hostOf = (url: string) => new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');

describe('blockedRange', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.255', 'carrier-grade NAT'],
    ['169.254.0.1', 'link-local'],
    ['169.254.169.254', 'cloud metadata'],
    ['100.100.100.200', 'cloud metadata'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['198.51.100.7', 'reserved'],
    ['203.0.113.9', 'reserved'],
  ])('IPv4 %s is %s', (address, range) => {
    expect(blockedRange(address)).toBe(range);
  });

  it.each([
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'private'],
    ['fd12:3456:789a::1', 'private'],
    ['fec0::1', 'private'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['ff02::1', 'multicast'],
    ['fd00:ec2::254', 'cloud metadata'],
    ['2001:db8::1', 'reserved'],
    ['2001::1', 'reserved'],
    ['100::1', 'reserved'],
    ['64:ff9b:1::a00:1', 'private'],
    // Outside global unicast 2000::/3.
    ['4000::1', 'reserved'],
    ['::2', 'reserved'],
  ])('IPv6 %s is %s', (address, range) => {
    expect(blockedRange(address)).toBe(range);
  });

  it.each([
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:FFFF:7F00:0001', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:169.254.169.254', 'cloud metadata'],
    ['::ffff:0:127.0.0.1', 'loopback'],
    ['::ffff:0.0.0.0', 'unspecified'],
    // IPv4-compatible (deprecated): never a public address.
    ['::127.0.0.1', 'reserved'],
    ['::7f00:1', 'reserved'],
    ['::8.8.8.8', 'reserved'],
    // NAT64 well-known prefix: the gateway would connect to the embedded address.
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'cloud metadata'],
    ['64:ff9b::c0a8:101', 'private'],
    // 6to4 relays route to the embedded address.
    ['2002:7f00:1::1', 'loopback'],
    ['2002:a00:1::', 'private'],
  ])('IPv6 %s embedding IPv4 is %s', (address, range) => {
    expect(blockedRange(address)).toBe(range);
  });

  it.each(['8.8.8.8', '1.1.1.1', '93.184.216.34', '172.15.255.255', '172.32.0.1', '100.63.255.255', '100.128.0.1', '169.253.255.255', '11.0.0.1', '223.255.255.255', '192.0.1.1', '198.20.0.1'])(
    'IPv4 %s is public',
    (address) => {
      expect(blockedRange(address)).toBeNull();
    },
  );

  it.each(['2606:4700:4700::1111', '2001:4860:4860::8888', '2a00:1450:4001:81c::200e', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1', '2001:3::1'])('IPv6 %s is public', (address) => {
    expect(blockedRange(address)).toBeNull();
  });

  it.each(['', 'localhost', 'example.com', '127.0.0.1.', '1.2.3', '::ffff:999.0.0.1', '[::1]', '2130706433'])('refuses %j, which is not an IP address', (value) => {
    expect(blockedRange(value)).toBe('not an IP address');
  });

  // Every spelling the URL parser accepts for an address comes out as the plain dotted or canonical form.
  it.each([
    ['http://2130706433/', 'loopback'],
    ['http://0x7f000001/', 'loopback'],
    ['http://0x7f.0.0.1/', 'loopback'],
    ['http://0177.0.0.1/', 'loopback'],
    ['http://017700000001/', 'loopback'],
    ['http://127.1/', 'loopback'],
    ['http://127.0.1/', 'loopback'],
    ['http://127.0.0.1./', 'loopback'],
    ['http://%31%32%37.0.0.1/', 'loopback'],
    ['http://0/', 'unspecified'],
    ['http://0x0/', 'unspecified'],
    ['http://167772161/', 'private'],
    ['http://0xa9.0xfe.0xa9.0xfe/', 'cloud metadata'],
    ['http://2852039166/', 'cloud metadata'],
    ['http://[::1]/', 'loopback'],
    ['http://[0:0::1]/', 'loopback'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://[::ffff:7f00:1]:8080/', 'loopback'],
    ['http://[64:ff9b::127.0.0.1]/', 'loopback'],
    ['http://[fd00:ec2::254]/', 'cloud metadata'],
    ['http://[FE80::1]/', 'link-local'],
  ])('%s reaches a %s address', (url, range) => {
    expect(blockedRange(hostOf(url))).toBe(range);
  });
});

describe('isLocalhostName', () => {
  it.each(['localhost', 'LOCALHOST', 'localhost.', 'api.localhost', 'a.b.localhost..'])('%s is loopback by name', (name) => {
    expect(isLocalhostName(name)).toBe(true);
  });

  it.each(['localhost.example.com', 'mylocalhost', 'example.com', 'localhost-1'])('%s is not', (name) => {
    expect(isLocalhostName(name)).toBe(false);
  });
});
