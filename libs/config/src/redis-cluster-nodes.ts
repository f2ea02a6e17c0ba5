// REDIS_CLUSTER_NODES: the seed nodes of a Redis Cluster, and the rule that keeps a queue's keys in one slot.

/** A Redis Cluster to connect to instead of the single server of REDIS_URL. */
export interface RedisClusterConfig {
  /** Seed nodes; the client learns the others (and who holds which slot) from them. */
  nodes: { host: string; port: number }[];
  username: string | undefined;
  /** A secret: never logged. */
  password: string | undefined;
  /** rediss:// entries: TLS to every node. */
  tls: boolean;
}

const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

const validPort = (p: string) => Number(p) >= 1 && Number(p) <= 65535;

/**
 * Parses "host:port,host:port" (entries may also be `redis://[user:password@]host:port`, or `rediss://` for
 * TLS, which then applies to every node). Returns the cluster or the problems, which never repeat a password.
 */
export function parseRedisClusterNodes(raw: string): { cluster: RedisClusterConfig } | { problems: string[] } {
  const problems: string[] = [];
  const nodes = new Map<string, { host: string; port: number }>();
  const auth = new Set<string>();
  let cluster: Omit<RedisClusterConfig, 'nodes'> = { username: undefined, password: undefined, tls: false };
  const entries = raw.split(',').map((e) => e.trim()).filter(Boolean);
  entries.forEach((entry, i) => {
    const n = i + 1;
    let host: string;
    let port: string;
    if (/^rediss?:\/\//i.test(entry)) {
      let url: URL;
      try {
        url = new URL(entry);
      } catch {
        return problems.push(`entry ${n} is not a valid URL`);
      }
      // A cluster has only database 0: a path would be silently ignored, so it is refused.
      if (!url.port || !validPort(url.port) || (url.pathname !== '' && url.pathname !== '/') || url.search || url.hash) {
        return problems.push(`entry ${n} must be redis://[user:password@]host:port, with a port and nothing after it`);
      }
      host = url.hostname;
      port = url.port;
      const tls = url.protocol.toLowerCase() === 'rediss:';
      const username = url.username ? decodeURIComponent(url.username) : undefined;
      const password = url.password ? decodeURIComponent(url.password) : undefined;
      auth.add(JSON.stringify([tls, username ?? null, password ?? null]));
      cluster = { username, password, tls };
    } else {
      const m = HOST_PORT.exec(entry);
      if (!m || !validPort(m[2])) return problems.push(`entry ${n} must be host:port`);
      [, host, port] = m;
    }
    host = host.replace(/^\[|\]$/g, '');
    nodes.set(`${host}:${port}`, { host, port: Number(port) });
  });
  if (!entries.length) problems.push('needs at least one host:port');
  if (auth.size > 1) problems.push('its redis:// entries must all have the same scheme, user and password (every node is reached the same way)');
  return problems.length ? { problems } : { cluster: { ...cluster, nodes: [...nodes.values()] } };
}

/**
 * True when every key that starts with the prefix has the prefix's hash tag (the first `{...}` with something
 * inside): Redis Cluster then keeps all of them in one slot, as BullMQ's multi-key scripts need.
 */
export function hasHashTag(prefix: string): boolean {
  const open = prefix.indexOf('{');
  const close = open < 0 ? -1 : prefix.indexOf('}', open + 1);
  return close > open + 1;
}
