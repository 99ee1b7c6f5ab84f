// Prints the suite's results as "N passed, N failed", the closing line CI reads (vitest's own summary
// is not recognised, and a reporter prints before the summary, so it would not be last). Given
// several result files (vitest's JSON report, one per run of the suite), it adds them up.
// A test file that failed to run at all (a syntax error, a failing import) counts as one failure:
// its tests are not counted, so without this such a run could read "N passed, 0 failed". So does a
// run that failed with every test passing (an unhandled error between tests: vitest 4's report still
// says success, so the run's exit code, given after the file, tells), and a result file that cannot
// be read (the runner crashed before writing it).
// Usage: node .ci/test-summary.mjs result.json[:exit code]...   (exit code 2 when a file is unreadable)
import { readFileSync } from "node:fs";

const runs = (process.argv.length > 2 ? process.argv.slice(2) : [".test-result.json"]).map((arg) => {
  const [, file, exitCode] = /^(.*?)(?::(\d+))?$/.exec(arg);
  return { file, exitCode: Number(exitCode ?? 0) };
});
let passed = 0;
let failed = 0;
let unreadable = false;
for (const { file, exitCode } of runs) {
  try {
    const result = JSON.parse(readFileSync(file, "utf8"));
    const filesThatDidNotRun = result.testResults.filter(
      (testFile) => testFile.status === "failed" && !testFile.assertionResults.some((test) => test.status === "failed"),
    ).length;
    const runFailures = result.numFailedTests + filesThatDidNotRun;
    passed += result.numPassedTests;
    failed += runFailures > 0 || (result.success && exitCode === 0) ? runFailures : 1;
  } catch (error) {
    console.error(`cannot read the test result ${file}: ${error instanceof Error ? error.message : error}`);
    failed += 1;
    unreadable = true;
  }
}
console.log(`${passed} passed, ${failed} failed`);
if (unreadable) process.exit(2);
