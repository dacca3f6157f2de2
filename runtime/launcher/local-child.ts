// The process of a one-node job (started by run-local-process.ts): runs the images as worker
// threads of this process. Consumes the RunLocalOptions as JSON in argv[2]; exits with the job's
// status, or at once when stdin closes (the pgasc process that watches it has gone).

import { runLocal, type RunLocalOptions } from "./run-local.js";

const opts = JSON.parse(process.argv[2] ?? "{}") as RunLocalOptions;
process.stdin.on("end", () => process.exit(1));
process.stdin.on("error", () => process.exit(1));
process.stdin.resume();
runLocal(opts).then(
  (status) => process.exit(status),
  (error: unknown) => {
    process.stderr.write(`pgasc: internal error: ${(error as Error)?.message ?? String(error)}\n`);
    process.exit(70);
  },
);
