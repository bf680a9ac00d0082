'use strict';
// Prints the total of the jest runs recorded by test/support/closing-line-reporter.cjs
// (`.ci/run` calls it last): one plain line, "Total: N passed, N failed, N skipped".
const fs = require('node:fs');
const path = require('node:path');

const dir = path.join(__dirname, '..', '.cache', 'test-results');
const total = { passed: 0, failed: 0, skipped: 0 };
for (const name of process.argv.slice(2)) {
  const counts = JSON.parse(fs.readFileSync(path.join(dir, `${name}.json`), 'utf8'));
  for (const key of Object.keys(total)) total[key] += counts[key];
}
process.stdout.write(`Total: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`);
process.exitCode = total.failed > 0 || total.passed === 0 ? 1 : 0;
