// A throw-away three-master Redis Cluster for one test file, started and stopped with the test command's own
// helpers (scripts/lib/services.sh) under TEST_TMP_DIR, which `npm test` removes, stopping any node left behind.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort, ROOT, sleep } from './processes';

const run = promisify(execFile);

export interface TestRedisCluster {
  ports: number[];
  /** The value of REDIS_CLUSTER_NODES for the processes under test. */
  nodes: string;
  /** The port of the master serving the slot of a key. */
  masterOf(key: string): Promise<number>;
  /** Every key of a node (few in a test), by pattern. */
  keysOn(port: number, pattern: string): Promise<string[]>;
  /** Stops a node: SIGTERM (a clean shutdown, its append-only file synced) or SIGKILL (a crash: the last second may be lost). */
  stop(port: number, signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts a node again on its port, with its files (identity, slots, append-only data). */
  restart(port: number): Promise<void>;
  /** Waits until every node says the cluster is ok. */
  waitOk(ms: number): Promise<void>;
  close(): Promise<void>;
}

const services = (fn: string, ...args: string[]) =>
  run('bash', ['-c', 'set -euo pipefail; source scripts/lib/services.sh; "$@"', 'services', fn, ...args], { cwd: ROOT, timeout: 60_000 });

async function withNode<T>(port: number, work: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await r.connect();
    return await work(r);
  } finally {
    r.disconnect();
  }
}

export async function startRedisCluster(masters = 3): Promise<TestRedisCluster> {
  const dir = mkdtempSync(join(process.env.TEST_TMP_DIR ?? tmpdir(), 'redis-cluster-'));
  const ports: number[] = [];
  const bus = new Map<number, number>();
  // Six distinct free ports: each node's client port and its cluster bus port.
  while (ports.length < masters) {
    const [p, b] = [await freePort(), await freePort()];
    if (p === b || ports.includes(p) || ports.includes(b) || [...bus.values()].includes(p) || [...bus.values()].includes(b)) continue;
    ports.push(p);
    bus.set(p, b);
  }
  const pidOf = (port: number) => Number(readFileSync(join(dir, String(port), 'redis.pid'), 'utf8'));
  const stopAll = async () => {
    await services('stop_redis_cluster', dir).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await services('start_redis_cluster', dir, ...ports.map((p) => `${p}:${bus.get(p)}`));
  } catch (err) {
    await stopAll();
    throw err;
  }

  const cluster: TestRedisCluster = {
    ports,
    nodes: ports.map((p) => `127.0.0.1:${p}`).join(','),
    async masterOf(key) {
      return withNode(ports[0], async (r) => {
        const slot = Number(await r.call('CLUSTER', 'KEYSLOT', key));
        const ranges = (await r.call('CLUSTER', 'SLOTS')) as [number, number, [string, number, ...unknown[]]][];
        const range = ranges.find(([from, to]) => slot >= from && slot <= to);
        if (!range) throw new Error(`no node serves slot ${slot}`);
        return Number(range[2][1]);
      });
    },
    keysOn: (port, pattern) => withNode(port, (r) => r.keys(pattern)),
    async stop(port, signal = 'SIGTERM') {
      const pid = pidOf(port);
      process.kill(pid, signal);
      for (let i = 0; i < 50; i++) {
        try {
          process.kill(pid, 0);
        } catch {
          return;
        }
        await sleep(100);
      }
      throw new Error(`Redis node ${port} (pid ${pid}) did not die`);
    },
    async restart(port) {
      await services('start_redis_cluster_node', dir, String(port), String(bus.get(port)));
    },
    async waitOk(ms) {
      const deadline = Date.now() + ms;
      for (;;) {
        const states = await Promise.all(ports.map((p) => withNode(p, (r) => r.call('CLUSTER', 'INFO')).then(String, () => '')));
        if (states.every((s) => /^cluster_state:ok/m.test(s))) return;
        if (Date.now() > deadline) throw new Error(`the Redis Cluster was not ok within ${ms} ms`);
        await sleep(200);
      }
    },
    close: stopAll,
  };
  return cluster;
}
