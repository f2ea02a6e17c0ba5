// The platform the code runs on: the project's own Node.js everywhere the scripts start it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './support/processes';

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
