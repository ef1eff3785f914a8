import type { Reporter, TestCase } from "vitest/node";

/** Ends the run with the plain "N passed, N failed, N skipped" line CI reads. */
export default class SummaryReporter implements Reporter {
  private passed = 0;
  private failed = 0;
  private skipped = 0;

  onTestCaseResult(test: TestCase): void {
    const state = test.result().state;
    if (state === "passed") this.passed++;
    else if (state === "failed") this.failed++;
    else this.skipped++;
  }

  onTestRunEnd(): void {
    process.stdout.write(`\nvitest: ${this.passed} passed, ${this.failed} failed, ${this.skipped} skipped\n`);
  }
}
