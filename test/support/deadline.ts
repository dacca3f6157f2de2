// For tests of reports written at a wall-clock deadline (--timeout counts from the start, start-up
// included): on a loaded machine the deadline can come before the images have reached the state
// the report is meant to show. The report itself says so (an image still "running" where it
// should wait), so the run is repeated with a longer deadline; the last attempt is returned as it
// is, for the caller to assert. Consumes the deadlines, a run and the start-up test; gives a run.

export async function withGrowingDeadline<R>(deadlines: number[], run: (seconds: number) => Promise<R>, startingUp: (result: R) => boolean): Promise<{ result: R; seconds: number }> {
  for (const [attempt, seconds] of deadlines.entries()) {
    const result = await run(seconds);
    if (attempt === deadlines.length - 1 || !startingUp(result)) return { result, seconds };
  }
  throw new Error("withGrowingDeadline needs at least one deadline");
}
