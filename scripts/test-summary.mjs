// Prints the one-line result of a Jest run from its --json output: "N passed, N failed"
// (", N skipped" when some were skipped). Exits 1 when anything failed or did not run.
// Usage: node scripts/test-summary.mjs [.test-results/jest.json]
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? '.test-results/jest.json';

let results;
try {
  results = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  // No results means the tests did not run (build or Jest itself failed): count that as a failure
  // so the summary line can never read as a success.
  console.error(`No test results in ${file}: ${error.message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const count = (key) => (Number.isInteger(results[key]) ? results[key] : 0);
const passed = count('numPassedTests');
// A suite that failed to run (syntax error, failing import, crash in a hook) has no failed tests
// of its own, so it counts as one failure.
const suitesNotRun = count('numRuntimeErrorTestSuites');
const failed = count('numFailedTests') + suitesNotRun;
const skipped = count('numPendingTests') + count('numTodoTests');

let line = `${passed} passed, ${failed} failed`;
if (skipped > 0) line += `, ${skipped} skipped`;
console.log(line);

process.exit(failed > 0 || results.success === false ? 1 : 0);
