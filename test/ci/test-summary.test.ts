/**
 * CI's closing line (`.ci/test-summary.mjs`): "N passed, N failed" over the runs' vitest JSON reports,
 * where nothing that went wrong may read as 0 failed.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

const script = fileURLToPath(new URL("../../.ci/test-summary.mjs", import.meta.url));
const run = promisify(execFile);

interface TestFile {
  status: "passed" | "failed";
  tests: Array<"passed" | "failed">;
}

/** A vitest JSON report of `files`; `success` as vitest sets it unless given. */
function report(files: TestFile[], success?: boolean): object {
  const tests = files.flatMap((file) => file.tests);
  return {
    numPassedTests: tests.filter((status) => status === "passed").length,
    numFailedTests: tests.filter((status) => status === "failed").length,
    success: success ?? files.every((file) => file.status === "passed"),
    testResults: files.map((file) => ({ status: file.status, assertionResults: file.tests.map((status) => ({ status })) })),
  };
}

describe("the CI summary of test reports", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "keygate-summary-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /**
   * The script's last line and exit code over `reports` (objects written as files, strings as raw
   * text; `{ content, exitCode }` names the run's exit code after the file).
   */
  async function summary(...reports: Array<object | string | undefined | { content: object; exitCode: number }>): Promise<{ line: string; code: number }> {
    const files = await Promise.all(
      reports.map(async (report, i) => {
        const file = join(dir, `${Math.random().toString(36).slice(2)}-${i}.json`);
        const { content, exitCode } = report !== null && typeof report === "object" && "exitCode" in report ? report : { content: report, exitCode: undefined };
        if (content !== undefined) await writeFile(file, typeof content === "string" ? content : JSON.stringify(content));
        return exitCode === undefined ? file : `${file}:${exitCode}`;
      }),
    );
    const outcome = await run(process.execPath, [script, ...files]).then(
      ({ stdout }) => ({ stdout, code: 0 }),
      (error: { stdout: string; code: number }) => ({ stdout: error.stdout, code: error.code }),
    );
    return { line: outcome.stdout.trim().split("\n").at(-1)!, code: outcome.code };
  }

  test("adds up the passed and failed tests of every report", async () => {
    const clean = report([{ status: "passed", tests: ["passed", "passed"] }]);
    const failing = report([{ status: "failed", tests: ["passed", "failed"] }, { status: "passed", tests: ["passed"] }]);
    expect(await summary(clean, failing)).toEqual({ line: "4 passed, 1 failed", code: 0 });
  });

  test("a test file that did not run (its import failed) is one failure", async () => {
    const broken = report([{ status: "failed", tests: [] }, { status: "passed", tests: ["passed"] }]);
    expect(await summary(broken)).toEqual({ line: "1 passed, 1 failed", code: 0 });
  });

  test("a failed run whose tests all passed (an unhandled error) is one failure", async () => {
    expect(await summary(report([{ status: "passed", tests: ["passed", "passed"] }], false))).toEqual({ line: "2 passed, 1 failed", code: 0 });
  });

  test("so is a run that exited non-zero with a clean report (vitest 4 reports success despite an unhandled error)", async () => {
    const clean = report([{ status: "passed", tests: ["passed", "passed"] }]);
    expect(await summary({ content: clean, exitCode: 1 })).toEqual({ line: "2 passed, 1 failed", code: 0 });
    expect(await summary({ content: clean, exitCode: 0 })).toEqual({ line: "2 passed, 0 failed", code: 0 });
  });

  test("a missing or unreadable report is one failure, and the script exits 2", async () => {
    const clean = report([{ status: "passed", tests: ["passed"] }]);
    expect(await summary(clean, undefined)).toEqual({ line: "1 passed, 1 failed", code: 2 });
    expect(await summary(clean, "{ not json")).toEqual({ line: "1 passed, 1 failed", code: 2 });
  });
});
