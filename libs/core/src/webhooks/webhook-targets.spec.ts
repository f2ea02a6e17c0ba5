import type { LookupAddress } from 'node:dns';
import { InvalidInput } from '@app/common';
import { AppConfig } from '@app/config';
import { BLOCKED_TARGET_MESSAGE, BlockedTargetError, ResolvedAddress, WebhookTargets } from './webhook-targets';

const config = (allowPrivate: boolean) => AppConfig.from({ JWT_SECRET: 'x'.repeat(32), WEBHOOK_ALLOW_PRIVATE_TARGETS: String(allowPrivate) });

/** A resolver that answers from a table; any other name does not exist. */
function resolverOf(table: Record<string, string[]>) {
  const asked: string[] = [];
  const resolve = async (hostname: string): Promise<ResolvedAddress[]> => {
    asked.push(hostname);
    const found = table[hostname];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return { resolve, asked };
}

const NAMES = {
  'hooks.example.com': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
  'internal.example.com': ['10.0.0.5'],
  'sneaky.example.com': ['93.184.216.34', '127.0.0.1'],
  'metadata.example.com': ['169.254.169.254'],
  'mapped.example.com': ['::ffff:127.0.0.1'],
};

async function refusal(targets: WebhookTargets, url: string): Promise<InvalidInput> {
  try {
    await targets.vetUrl(url);
  } catch (e) {
    if (e instanceof InvalidInput) return e;
    throw e;
  }
  throw new Error(`${url} was accepted`);
}

describe('WebhookTargets.vetUrl (registration)', () => {
  const { resolve, asked } = resolverOf(NAMES);
  const targets = new WebhookTargets(config(false), resolve);

  it.each([
    'http://127.0.0.1/hook',
    'http://127.0.0.1:8080/hook',
    'http://localhost:3000/hook',
    'http://LOCALHOST./hook',
    'http://api.localhost/hook',
    'http://[::1]/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://[64:ff9b::7f00:1]/hook',
    'http://0.0.0.0/hook',
    'http://0/hook',
    'http://10.1.2.3/hook',
    'http://192.168.0.10/hook',
    'http://172.20.0.1/hook',
    'http://100.64.1.1/hook',
    'http://169.254.169.254/latest/meta-data/',
    'http://100.100.100.200/',
    'http://[fd00:ec2::254]/',
    'http://[fe80::1]/',
    'http://224.0.0.1/',
    'http://255.255.255.255/',
    'http://2130706433/',
    'http://0x7f000001/',
    'http://0177.0.0.1/',
    'http://127.1/',
    'https://internal.example.com/hook',
    'https://sneaky.example.com/hook',
    'https://metadata.example.com/hook',
    'https://mapped.example.com/hook',
  ])('refuses %s with a 400 on url', async (url) => {
    const e = await refusal(targets, url);
    expect(e.status).toBe(400);
    expect(e.errors).toEqual([{ path: 'url', message: expect.stringContaining(BLOCKED_TARGET_MESSAGE) }]);
  });

  it('refuses other schemes and credentials', async () => {
    expect((await refusal(targets, 'ftp://hooks.example.com/x')).errors?.[0].path).toBe('url');
    expect((await refusal(targets, 'https://user:pw@hooks.example.com/x')).errors?.[0].message).toMatch(/credentials/);
    expect((await refusal(targets, 'not a url')).errors?.[0].path).toBe('url');
  });

  it('accepts public addresses and names resolving only to them', async () => {
    await expect(targets.vetUrl('https://hooks.example.com/coaching')).resolves.toBeUndefined();
    await expect(targets.vetUrl('http://93.184.216.34:8080/x')).resolves.toBeUndefined();
    await expect(targets.vetUrl('http://[2606:4700:4700::1111]/x')).resolves.toBeUndefined();
  });

  it('accepts a name that does not resolve yet (deliveries check again) and never resolves an address', async () => {
    asked.length = 0;
    await expect(targets.vetUrl('https://not-yet.example.com/x')).resolves.toBeUndefined();
    await targets.vetUrl('http://93.184.216.34/x');
    expect(asked).toEqual(['not-yet.example.com']);
  });

  it('lets everything through with private targets allowed, but still only http(s) without credentials', async () => {
    const open = new WebhookTargets(config(true), resolve);
    for (const url of ['http://127.0.0.1:9/x', 'http://localhost/x', 'https://internal.example.com/x', 'http://[::1]/x']) await expect(open.vetUrl(url)).resolves.toBeUndefined();
    await expect(open.vetUrl('https://a:b@hooks.example.com/x')).rejects.toBeInstanceOf(InvalidInput);
    await expect(open.vetUrl('file:///etc/passwd')).rejects.toBeInstanceOf(InvalidInput);
  });
});

/** Runs the socket lookup the way net.connect does. */
function lookupOf(targets: WebhookTargets, hostname: string, options: { all?: boolean; family?: number } = {}) {
  return new Promise<{ err: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number }>((resolve) =>
    targets.lookup(hostname, options, (err, address, family) => resolve({ err, address, family })),
  );
}

describe('WebhookTargets.lookup (connect time)', () => {
  const { resolve } = resolverOf(NAMES);
  const targets = new WebhookTargets(config(false), resolve);

  it('hands the socket only checked public addresses, one or all as asked', async () => {
    expect(await lookupOf(targets, 'hooks.example.com')).toEqual({ err: null, address: '93.184.216.34', family: 4 });
    expect(await lookupOf(targets, 'hooks.example.com', { family: 6 })).toEqual({ err: null, address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 });
    expect((await lookupOf(targets, 'hooks.example.com', { all: true })).address).toEqual([
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 },
    ]);
  });

  it.each(['internal.example.com', 'sneaky.example.com', 'metadata.example.com', 'mapped.example.com'])('refuses %s when any address is blocked', async (name) => {
    for (const options of [{}, { all: true }, { family: 4 }]) {
      const { err } = await lookupOf(targets, name, options);
      expect(err).toBeInstanceOf(BlockedTargetError);
      expect(err?.message).toBe(BLOCKED_TARGET_MESSAGE);
    }
  });

  it('passes resolver failures on', async () => {
    const { err } = await lookupOf(targets, 'nowhere.example.com');
    expect(err?.code).toBe('ENOTFOUND');
  });

  it('lets private addresses through with private targets allowed', async () => {
    const open = new WebhookTargets(config(true), resolve);
    expect(await lookupOf(open, 'internal.example.com')).toEqual({ err: null, address: '10.0.0.5', family: 4 });
  });

  it('checks literal hosts and localhost names, which need no lookup', () => {
    expect(targets.literalRange(new URL('http://2130706433:81/'))).toBe('loopback');
    expect(targets.literalRange(new URL('http://[::ffff:a9fe:a9fe]/'))).toBe('cloud metadata');
    expect(targets.literalRange(new URL('http://localhost./'))).toBe('loopback');
    expect(targets.literalRange(new URL('http://93.184.216.34/'))).toBeNull();
    expect(targets.literalRange(new URL('https://hooks.example.com/'))).toBeNull();
    expect(new WebhookTargets(config(true), resolve).literalRange(new URL('http://127.0.0.1/'))).toBeNull();
  });
});
