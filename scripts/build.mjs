// npm run build: the OpenAPI plugin metadata (which also type-checks everything strictly), then swc
// into dist/, then the portal when present.
import { execSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';

const run = (cmd) => execSync(cmd, { stdio: 'inherit' });
rmSync('apps/api/src/openapi.metadata.ts', { force: true });
run('node scripts/openapi-metadata.mjs');
rmSync('dist', { recursive: true, force: true });
run('npx swc apps/api/src apps/worker/src apps/cli/src libs migrations -d dist --copy-files --quiet --ignore "**/*.spec.ts"');
if (existsSync('apps/portal/package.json')) run('npm run build --prefix apps/portal');
