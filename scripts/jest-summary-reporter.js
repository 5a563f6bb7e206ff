// After jest's own summary: where the time went (each test file's wall time, slowest first, the ratio
// to the whole run, so that it holds on a faster or slower machine), then the plain closing line CI
// reads ("N passed, N failed").
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const files = results.testResults
      .map((r) => ({ file: r.testFilePath.replace(`${process.cwd()}/`, ''), seconds: (r.perfStats.end - r.perfStats.start) / 1000 }))
      .filter((f) => Number.isFinite(f.seconds))
      .sort((a, b) => b.seconds - a.seconds);
    const wall = (Date.now() - results.startTime) / 1000;
    if (files.length > 1) {
      process.stdout.write(`\nTest files by wall time (the run: ${wall.toFixed(1)} s; files run in parallel):\n`);
      for (const f of files) process.stdout.write(`  ${f.seconds.toFixed(1).padStart(6)} s  ${(f.seconds / wall).toFixed(2)} of the run  ${f.file}\n`);
    }
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `${results.numPassedTests} passed, ${failed} failed`;
    process.stdout.write(`\nTests: ${skipped > 0 ? `${line}, ${skipped} skipped` : line}\n`);
  }
}
module.exports = SummaryReporter;
