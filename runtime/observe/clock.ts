// The clock of every observation (profile and trace): microseconds on the host's monotonic clock
// (uv_hrtime: the same in every thread and process of a host), read through performance.now(),
// which is cheaper than process.hrtime.bigint() and moves with it. Consumes nothing; produces
// nowUs(). PGASC_TEST_CLOCK_SKEW_US ("0,-500000": microseconds per node index) shifts the nodes'
// clocks: tests use it to show that the trace aligns the nodes' clocks (node/clock-sync.ts)
// rather than relying on their sharing one host.

const skews = (process.env.PGASC_TEST_CLOCK_SKEW_US ?? "").split(",");
const skewUs = Number(skews[Number(process.env.PGASC_NODE_INDEX ?? 0)] ?? 0) || 0;
const baseUs = Number(process.hrtime.bigint()) / 1000 - performance.now() * 1000 + skewUs;

/** Microseconds on this host's monotonic clock (plus the test skew). */
export function nowUs(): number {
  return performance.now() * 1000 + baseUs;
}
