import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig, ConfigError } from './app-config';
import { hasHashTag, parseRedisClusterNodes } from './redis-cluster-nodes';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'redis-cluster-config-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const SECRET = 'x'.repeat(32);
const load = (env: Record<string, string>) => AppConfig.from({ JWT_SECRET: SECRET, ...env }, dataDir);
const errorOf = (env: Record<string, string>): string => {
  try {
    load(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error('expected a ConfigError');
};

describe('REDIS_CLUSTER_NODES', () => {
  it('is unset by default: one Redis server at REDIS_URL, keys under cp', () => {
    const c = load({});
    expect(c.redisCluster).toBeUndefined();
    expect(c.redisPrefix).toBe('cp');
  });

  it('takes host:port seed nodes (spaces, a trailing comma, IPv6 and repeats allowed) and defaults the prefix to the hash tag {cp}', () => {
    const c = load({ REDIS_CLUSTER_NODES: ' redis-a:7000, 10.0.0.2:7001,[::1]:7002,redis-a:7000,' });
    expect(c.redisCluster).toEqual({
      nodes: [
        { host: 'redis-a', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
        { host: '::1', port: 7002 },
      ],
      username: undefined,
      password: undefined,
      tls: false,
    });
    expect(c.redisPrefix).toBe('{cp}');
  });

  it('takes credentials and TLS from redis:// and rediss:// entries, for every node', () => {
    const c = load({ REDIS_CLUSTER_NODES: 'rediss://app:p%40ss@cache-1:6380,cache-2:6380' });
    expect(c.redisCluster).toEqual({ nodes: [{ host: 'cache-1', port: 6380 }, { host: 'cache-2', port: 6380 }], username: 'app', password: 'p@ss', tls: true });
  });

  it('keeps a given hash-tagged prefix', () => {
    expect(load({ REDIS_CLUSTER_NODES: 'a:7000', REDIS_PREFIX: 'eu-{coaching}' }).redisPrefix).toBe('eu-{coaching}');
  });

  it('refuses a prefix without a hash tag on a cluster (a queue\'s keys would spread over slots)', () => {
    for (const prefix of ['cp', '{}cp', 'cp}{', 'c{p']) {
      expect(errorOf({ REDIS_CLUSTER_NODES: 'a:7000', REDIS_PREFIX: prefix })).toContain('REDIS_PREFIX: with REDIS_CLUSTER_NODES it must contain a hash tag');
    }
    // One server needs none.
    expect(load({ REDIS_PREFIX: 'cp' }).redisPrefix).toBe('cp');
  });

  it.each([
    ['a host without a port', 'redis-a', 'entry 1 must be host:port'],
    ['a port out of range', 'a:7000,b:70000', 'entry 2 must be host:port'],
    ['a URL without a port', 'redis://a', 'entry 1 must be redis://'],
    ['a database number (a cluster has only 0)', 'redis://a:7000/2', 'entry 1 must be redis://'],
    ['only commas', ',,', 'needs at least one host:port'],
    ['URL entries that disagree', 'redis://u:one@a:7000,redis://u:two@b:7000', 'must all have the same scheme, user and password'],
  ])('refuses %s, naming the entry', (_, value, message) => {
    const e = errorOf({ REDIS_CLUSTER_NODES: value });
    expect(e).toContain('REDIS_CLUSTER_NODES:');
    expect(e).toContain(message);
  });

  it('never repeats a password in its messages', () => {
    const e = errorOf({ REDIS_CLUSTER_NODES: 'redis://u:s3cret-one@a:7000/1,redis://u:s3cret-two@b:7000' });
    expect(e).not.toContain('s3cret');
  });
});

describe('hasHashTag', () => {
  it('finds the first {...} with something inside, as Redis Cluster does', () => {
    expect(hasHashTag('{cp}')).toBe(true);
    expect(hasHashTag('app:{q}:x')).toBe(true);
    expect(hasHashTag('{}{cp}')).toBe(false); // Redis hashes the whole key when the first braces are empty
    expect(hasHashTag('cp')).toBe(false);
    expect(hasHashTag('{cp')).toBe(false);
  });
});

describe('parseRedisClusterNodes', () => {
  it('returns the nodes of a plain list', () => {
    expect(parseRedisClusterNodes('127.0.0.1:1,127.0.0.1:2')).toEqual({ cluster: { nodes: [{ host: '127.0.0.1', port: 1 }, { host: '127.0.0.1', port: 2 }], username: undefined, password: undefined, tls: false } });
  });
});
