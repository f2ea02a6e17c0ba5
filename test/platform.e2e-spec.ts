// The platform the code runs on: the project's own Node.js everywhere the scripts start it, and the
// production image (Dockerfile, docker-compose.yml) linted by registry tools and held to its promises.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate, ValidationSeverity, ValidatorSettings } from 'dockerfile-utils';
import { parse as parseYaml } from 'yaml';
import { createTestDatabase, dropTestDatabase } from './support/db';
import { API_MAIN, ChildRun, exitWithin, freePort, redisUrl, ROOT, startProcess, WORKER_MAIN, waitFor } from './support/processes';

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const pkg = JSON.parse(read('package.json')) as { engines: { node: string }; devDependencies: Record<string, string> };
const PINNED = pkg.devDependencies.node;
const MAJOR = Number(PINNED.split('.')[0]);
const majorOf = (version: string) => Number(version.replace(/^v/, '').split('.')[0]);

describe("the project's Node.js", () => {
  it('is pinned to one exact version in package.json', () => {
    expect(PINNED).toMatch(/^\d+\.\d+\.\d+$/);
    expect(MAJOR).toBeGreaterThanOrEqual(24);
  });

  it('runs this test (and so Jest, and every child started through process.execPath)', () => {
    expect(process.versions.node).toBe(PINNED);
  });

  it('is the `node` first on PATH for whatever the scripts and tests start by name', () => {
    expect(execFileSync('node', ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim()).toBe(PINNED);
  });

  it('is what `engines` allows, and the engines range allows no other major', () => {
    const m = /^>=(\d+)(?:\.\d+\.\d+)? <(\d+)$/.exec(pkg.engines.node);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBe(MAJOR);
    expect(Number(m![2])).toBe(MAJOR + 1);
  });
});

// --- Dockerfile ----------------------------------------------------------------------------------

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}
interface Stage {
  from: string;
  name: string | undefined;
  instructions: Instruction[];
}

// Instructions with their continuation lines joined, grouped by build stage.
function dockerfileStages(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let current = lines[i];
    if (/^\s*(#|$)/.test(current)) continue;
    while (current.endsWith('\\') && i + 1 < lines.length) current = current.slice(0, -1) + ' ' + lines[++i].trim();
    const [, keyword, args] = /^\s*(\S+)\s*(.*)$/.exec(current)!;
    const ins = { keyword: keyword.toUpperCase(), args: args.trim(), line: start + 1 };
    if (ins.keyword === 'FROM') {
      const [, image, name] = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args)!;
      stages.push({ from: image, name, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(ins);
    }
  }
  return stages;
}

const all = <K extends keyof ValidatorSettings>(keys: K[]) => Object.fromEntries(keys.map((k) => [k, ValidationSeverity.ERROR])) as ValidatorSettings;

describe('the production image (Dockerfile)', () => {
  const text = read('Dockerfile');
  const stages = dockerfileStages(text);
  const final = stages.at(-1)!;
  const finalOf = (keyword: string) => final.instructions.filter((i) => i.keyword === keyword);

  it('is clean for the Dockerfile linter (dockerfile-utils), every optional check raised to an error', () => {
    const strict = all(['deprecatedMaintainer', 'directiveCasing', 'emptyContinuationLine', 'instructionCasing', 'instructionCmdMultiple', 'instructionEntrypointMultiple', 'instructionHealthcheckMultiple', 'instructionJSONInSingleQuotes', 'instructionWorkdirRelative']);
    expect(validate(text, strict).map((d) => `line ${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  it('the linter does find faults (a broken Dockerfile is not reported clean)', () => {
    expect(validate('FROM node:24\nHEALTHCHECK --bogus=1 CMD x\nCMD a\nCMD b\n').length).toBeGreaterThan(0);
  });

  it("builds every stage on the project's Node.js major, with an explicit tag", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const s of stages) {
      const base = s.from.startsWith('node:') ? s.from : (stages.find((o) => o.name === s.from)?.from ?? s.from);
      expect(base).toMatch(new RegExp(`^node:${MAJOR}(\\.\\d+)*-[a-z]+(-slim)?$`));
    }
  });

  it('ships production dependencies only: node_modules comes from an `npm ci --omit=dev` stage', () => {
    const copies = finalOf('COPY').filter((c) => /\bnode_modules\b/.test(c.args));
    expect(copies).toHaveLength(1);
    const fromStage = /--from=(\S+)/.exec(copies[0].args)?.[1];
    const source = stages.find((s) => s.name === fromStage);
    expect(source).toBeDefined();
    const installs = source!.instructions.filter((i) => i.keyword === 'RUN' && /\bnpm (ci|install)\b/.test(i.args));
    expect(installs.length).toBeGreaterThan(0);
    for (const i of installs) expect(i.args).toMatch(/--omit=dev\b/);
    // The final stage installs nothing itself.
    expect(finalOf('RUN').filter((i) => /\bnpm\b/.test(i.args))).toEqual([]);
  });

  it('runs as a non-root user, with NODE_ENV=production, the portal built in, and no secret in it', () => {
    const users = finalOf('USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)!.args).not.toMatch(/^(root|0)(:|$)/);
    expect(finalOf('ENV').map((e) => e.args).join(' ')).toMatch(/\bNODE_ENV=production\b/);
    expect(finalOf('COPY').some((c) => /apps\/portal\/dist/.test(c.args))).toBe(true);
    const declared = stages.flatMap((s) => s.instructions).filter((i) => i.keyword === 'ENV' || i.keyword === 'ARG');
    for (const d of declared) expect(d.args).not.toMatch(/(SECRET|PASSWORD|TOKEN|PRIVATE|_KEY)\w*=/i);
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim());
    for (const entry of ['.env', '.env.*', '.data', 'node_modules', '.git']) expect(ignored).toContain(entry);
  });

  it('has a HEALTHCHECK, and starts node directly (exec form) so SIGTERM reaches it', () => {
    const checks = finalOf('HEALTHCHECK');
    expect(checks).toHaveLength(1);
    expect(checks[0].args).toMatch(/CMD \["node", "dist\/apps\/cli\/src\/healthcheck\.js"\]$/);
    expect(JSON.parse(finalOf('CMD').at(-1)!.args)).toEqual(['node', 'dist/apps/api/src/main.js']);
    expect(finalOf('ENTRYPOINT')).toEqual([]);
  });
});

// --- docker-compose.yml --------------------------------------------------------------------------

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  profiles?: string[];
  user?: string;
  read_only?: boolean;
}

const SECRET_NAME = /SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE|(^|_)KEY($|_)/i;

/**
 * Every place a compose file would supply a secret by itself: an interpolation of a secret-looking
 * variable with a non-empty default (`${JWT_SECRET:-x}`), or a secret-looking variable set to a value
 * that takes nothing from the environment. An empty default (`${METRICS_TOKEN:-}`) is "none".
 */
function shippedSecrets(yamlText: string): string[] {
  const found: string[] = [];
  for (const m of yamlText.matchAll(/\$\{(\w+)(:?[-?+])?([^}]*)\}/g)) {
    const [, name, op, rest] = m;
    if (SECRET_NAME.test(name) && op !== ':?' && op !== '?' && !((op === ':-' || op === '-') && rest === '')) found.push(m[0]);
  }
  const doc = parseYaml(yamlText, { merge: true }) as { services: Record<string, ComposeService> };
  for (const [service, s] of Object.entries(doc.services)) {
    const env: Record<string, unknown> = Array.isArray(s.environment)
      ? Object.fromEntries((s.environment as string[]).map((e) => e.split(/=(.*)/s)))
      : (s.environment ?? {});
    for (const [name, value] of Object.entries(env)) {
      // Only from the environment: required (`${X:?…}`) or, when optional, empty without it.
      if (SECRET_NAME.test(name) && !(typeof value === 'string' && /^\$\{\w+(:?\?[^}]*|:?-)?\}$/.test(value))) found.push(`${service}.${name}`);
    }
  }
  return found;
}

describe('docker-compose.yml', () => {
  const text = read('docker-compose.yml');
  const compose = parseYaml(text, { merge: true }) as { services: Record<string, ComposeService> };
  const services = compose.services;
  const APP = ['api', 'worker', 'migrate', 'demo'];

  it('is clean for the compose linter (dclint, which also validates against the compose-spec schema)', () => {
    const run = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'dclint', 'bin', 'dclint.cjs'), 'docker-compose.yml', '--formatter', 'json', '--color=false'], { cwd: ROOT, encoding: 'utf8' });
    const report = JSON.parse(run.stdout) as { errorCount: number; warningCount: number; messages: { rule: string; message: string }[] }[];
    expect(report.flatMap((f) => f.messages.map((x) => `${x.rule}: ${x.message}`))).toEqual([]);
    expect(run.status).toBe(0);
  });

  it('ships no secret: each one is required from the environment (${VAR:?…}), none has a default', () => {
    expect(shippedSecrets(text)).toEqual([]);
    expect(services.api.environment?.JWT_SECRET).toMatch(/^\$\{JWT_SECRET:\?.*32 characters\}$/);
    expect(services.postgres.environment?.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
  });

  it('the secret check catches the defaults it is there to refuse', () => {
    const old = 'services:\n  api:\n    environment:\n      JWT_SECRET: ${JWT_SECRET:-local-docker-secret-change-me-0123456789abcdef}\n';
    expect(shippedSecrets(old)).toEqual(['${JWT_SECRET:-local-docker-secret-change-me-0123456789abcdef}', 'api.JWT_SECRET']);
    expect(shippedSecrets('services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: postgres\n')).toEqual(['db.POSTGRES_PASSWORD']);
    expect(shippedSecrets('services:\n  api:\n    environment:\n      METRICS_TOKEN: ${METRICS_TOKEN:-a-token-for-everyone}\n')).toHaveLength(2);
    // An optional secret that is empty unless given is no shipped secret.
    expect(shippedSecrets('services:\n  api:\n    environment:\n      METRICS_TOKEN: ${METRICS_TOKEN:-}\n')).toEqual([]);
  });

  it('runs API, worker, migrations and demo from the one image the migrate service builds, as its non-root user', () => {
    const images = new Set(APP.map((n) => services[n].image));
    expect([...images]).toEqual([expect.stringMatching(/^coaching-platform:/)]);
    expect(Object.entries(services).filter(([, s]) => s.build !== undefined).map(([n]) => n)).toEqual(['migrate']);
    for (const n of APP) {
      expect(services[n].user).toBe('node');
      expect(services[n].read_only).toBe(true);
      expect(services[n].environment?.NODE_ENV).toBe('production');
    }
  });

  it('migrates in its own step, which the API and the worker wait for; the API start command does not migrate', () => {
    expect(services.migrate.command).toEqual(['node', 'dist/apps/cli/src/migrate.js']);
    expect(services.api.command).toEqual(['node', 'dist/apps/api/src/main.js']);
    expect(services.worker.command).toEqual(['node', 'dist/apps/worker/src/main.js']);
    for (const n of ['api', 'worker']) expect(services[n].depends_on?.migrate).toEqual({ condition: 'service_completed_successfully' });
  });

  it('loads the demo practice only when asked for (the demo profile)', () => {
    const seeding = Object.entries(services).filter(([, s]) => (s.command ?? []).join(' ').includes('seed'));
    expect(seeding.map(([n]) => n)).toEqual(['demo']);
    expect(services.demo.profiles).toEqual(['demo']);
  });
});

// --- the built processes, configured as the image runs them --------------------------------------

describe('production configuration of the built processes', () => {
  let db: { url: string; name: string };
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => dropTestDatabase(db.name));

  const production = (extra: Record<string, string>): Record<string, string> => ({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    DATABASE_URL: db.url,
    REDIS_URL: redisUrl(),
    REDIS_PREFIX: `plat${randomBytes(3).toString('hex')}`,
    DATABASE_POOL_SIZE: '3',
    ...extra,
  });

  it.each([
    ['API', API_MAIN],
    ['worker', WORKER_MAIN],
  ])('the %s refuses a weak JWT_SECRET in production, without printing it', async (_, main) => {
    const weak = 'local-docker-secret-change-me-0123456789abcdef';
    const p = startProcess(main, production({ JWT_SECRET: weak }));
    expect((await exitWithin(p, 30_000)).code).toBe(1);
    expect(p.output()).toMatch(/JWT_SECRET: looks like a placeholder/);
    expect(p.output()).not.toContain(weak);
  }, 60_000);

  const healthcheck = (env: Record<string, string>) =>
    spawnSync(process.execPath, [join(ROOT, 'dist', 'apps', 'cli', 'src', 'healthcheck.js')], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 20_000 });

  it.each([
    ['API', API_MAIN, 'PORT'],
    ['worker', WORKER_MAIN, 'WORKER_HEALTH_PORT'],
  ])("the image's health check is healthy while the %s runs, and unhealthy once it stopped", async (_, main, portVariable) => {
    const [port, idlePort] = [await freePort(), await freePort()];
    // The port of the process that does not run here is one where nothing listens.
    const ports = portVariable === 'PORT' ? { PORT: String(port), WORKER_HEALTH_PORT: String(idlePort) } : { PORT: String(idlePort), WORKER_HEALTH_PORT: String(port) };
    const env = production({ JWT_SECRET: randomBytes(36).toString('base64url'), ...ports });
    let p: ChildRun | undefined = startProcess(main, env);
    try {
      await waitFor(`${main} to listen on ${port}`, 40_000, async () => (await fetch(`http://127.0.0.1:${port}/health/live`)).ok, p);
      expect(healthcheck(env).status).toBe(0);
      p.child.kill('SIGTERM');
      expect((await exitWithin(p, 30_000)).code).toBe(0);
      p = undefined;
      expect(healthcheck(env).status).toBe(1);
    } finally {
      if (p) p.child.kill('SIGKILL');
    }
  }, 90_000);
});
