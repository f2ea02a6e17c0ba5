// npm run migration:generate -- migrations/Name : diffs the entities against DATABASE_URL and writes a migration.
import { execSync } from 'node:child_process';
const name = process.argv[2];
if (!name) {
  console.error('usage: npm run migration:generate -- migrations/Name');
  process.exit(2);
}
execSync('npx swc apps/cli/src libs migrations -d dist --copy-files --quiet --ignore "**/*.spec.ts"', { stdio: 'inherit' });
execSync(`npx typeorm migration:generate -d dist/apps/cli/src/data-source.js --pretty ${name}`, { stdio: 'inherit' });
