// CrossPracticeDb is the one door: no other application code calls a cross-practice function or reaches the raw pool.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { databaseFunctionNames } from './database-functions';

const ROOT = join(__dirname, '..', '..', '..');
const DOOR = 'libs/database/src/cross-practice-db.ts';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' || name === 'portal' ? [] : sources(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [relative(ROOT, path)] : [];
  });
}

// Code only: a comment may name a function.
const code = (f: string) => readFileSync(join(ROOT, f), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');

describe('CrossPracticeDb', () => {
  const files = [...sources(join(ROOT, 'apps')), ...sources(join(ROOT, 'libs'))];

  it('is the only application code that calls a cross-practice function', () => {
    const calls = new RegExp(`\\b(${databaseFunctionNames().join('|')})\\s*\\(`);
    const callers = files.filter((f) => calls.test(code(f)));
    expect(callers).toEqual([DOOR]);
  });

  it("is the only application code that reaches the pool under TypeORM's DataSource", () => {
    const pool = /driver\s+as\b|\.driver\.master\b/;
    expect(files.filter((f) => pool.test(code(f)))).toEqual([DOOR]);
  });
});
