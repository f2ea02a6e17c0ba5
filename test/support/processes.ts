// Child processes for tests that run the built API or worker as operators do.
import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { TestApp } from './app';

export const ROOT = join(__dirname, '..', '..');
export const WORKER_MAIN = join(ROOT, 'dist', 'apps', 'worker', 'src', 'main.js');
export const API_MAIN = join(ROOT, 'dist', 'apps', 'api', 'src', 'main.js');

export const redisUrl = (): string => {
  const url = process.env.REDIS_URL;
  if (!url) throw new Error('REDIS_URL is not set: run the suite with `npm test`');
  return url;
};

export interface ChildRun {
  child: ChildProcess;
  /** Everything the process wrote so far, for failure messages. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts a built entry point with exactly the given environment (plus PATH). */
export function startProcess(main: string, env: Record<string, string>): ChildRun {
  const child = spawn(process.execPath, [main], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, output: () => out, exited };
}

export const startWorker = (env: Record<string, string>) => startProcess(WORKER_MAIN, env);

/** What a worker needs to share a test file's database, Redis prefix and secret; tests add their timings. */
export const workerEnv = (t: Pick<TestApp, 'dbUrl' | 'config'>): Record<string, string> => ({
  NODE_ENV: 'test',
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  DATABASE_URL: t.dbUrl,
  REDIS_URL: redisUrl(),
  REDIS_PREFIX: t.config.redisPrefix,
  JWT_SECRET: t.config.jwtSecret,
});

export const running = (w: ChildRun) => w.child.exitCode === null && w.child.signalCode === null;

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** Polls until check() is truthy; fails after ms, or at once when the process died. */
export async function waitFor<T>(what: string, ms: number, check: () => Promise<T | undefined | null | false>, proc?: ChildRun): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v) return v;
    if (proc && !running(proc)) throw new Error(`the process exited while waiting for ${what}:\n${proc.output()}`);
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}${proc ? `:\n${proc.output()}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function exitWithin(w: ChildRun, ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the process did not exit within ${ms} ms:\n${w.output()}`)), ms);
  });
  try {
    return await Promise.race([w.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
