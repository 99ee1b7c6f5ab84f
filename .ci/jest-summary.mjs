// Prints jest's results as "N passed, N failed", the closing line CI reads (jest's own summary is not
// recognised, and a custom reporter prints before jest's summary, so it would not be last). Given
// several result files (one per run of the suite), it adds them up.
// A suite that failed to run at all (a syntax error, a failing import) counts as one failure:
// jest does not count its tests, so without this such a run could read "N passed, 0 failed".
// A result file that cannot be read (jest crashed before writing it) counts as one failure too.
// Usage: node .ci/jest-summary.mjs result.json...   (exit code 2 when a file is unreadable)
import { readFileSync } from "node:fs";

const files = process.argv.length > 2 ? process.argv.slice(2) : [".jest-result.json"];
let passed = 0;
let failed = 0;
let unreadable = false;
for (const file of files) {
  try {
    const result = JSON.parse(readFileSync(file, "utf8"));
    passed += result.numPassedTests;
    failed += result.numFailedTests + result.numRuntimeErrorTestSuites;
  } catch (error) {
    console.error(`cannot read jest's result ${file}: ${error instanceof Error ? error.message : error}`);
    failed += 1;
    unreadable = true;
  }
}
console.log(`${passed} passed, ${failed} failed`);
if (unreadable) process.exit(2);
