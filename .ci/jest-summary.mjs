// Prints jest's result as "N passed, N failed", the closing line CI reads (jest's own summary is not
// recognised, and a custom reporter prints before jest's summary, so it would not be last).
// A suite that failed to run at all (a syntax error, a failing import) counts as one failure:
// jest does not count its tests, so without this such a run could read "N passed, 0 failed".
// Usage: node .ci/jest-summary.mjs .jest-result.json   (exit code 2 when the file is unreadable)
import { readFileSync } from "node:fs";

const file = process.argv[2] ?? ".jest-result.json";
let result;
try {
  result = JSON.parse(readFileSync(file, "utf8"));
} catch (error) {
  console.error(`cannot read jest's result ${file}: ${error instanceof Error ? error.message : error}`);
  console.log("0 passed, 1 failed");
  process.exit(2);
}
const failed = result.numFailedTests + result.numRuntimeErrorTestSuites;
console.log(`${result.numPassedTests} passed, ${failed} failed`);
