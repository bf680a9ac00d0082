'use strict';
// Ends a jest run with one plain line of counts ("Tests: N passed, N failed, N skipped") and keeps the
// counts in .cache/test-results/<name>.json, so `.ci/run` can close with the total over both suites.
const fs = require('node:fs');
const path = require('node:path');

class ClosingLineReporter {
  constructor(globalConfig, options = {}) {
    this.rootDir = globalConfig.rootDir;
    this.name = options.name ?? 'tests';
  }

  onRunComplete(_contexts, results) {
    const counts = {
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests + results.numTodoTests,
    };
    const dir = path.join(this.rootDir, '.cache', 'test-results');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${this.name}.json`), JSON.stringify(counts));
    process.stdout.write(`\nTests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
  }
}

module.exports = ClosingLineReporter;
