// Waiting on an outcome in tests: polls a condition until it holds or a generous deadline passes.
// Consumes a predicate; produces whether it held (the caller asserts, naming what it waited for).

export async function waitFor(condition: () => boolean, ms: number, everyMs = 100): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return condition();
}
