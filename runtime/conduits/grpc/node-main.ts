// The grpc conduit's node program: one node process of a multi-node job is the node engine
// (runtime/node) over the gRPC transport (runtime/transport/grpc), with this conduit's image
// threads (worker.ts → GrpcCore). Consumes a NodeConfig (runtime/node/node-config.ts) and the
// launcher's PGASC_* contract; produces the job's exit status.

import { defaultCheckpointDir } from "../../checkpoint/storage.js";
import { runEngine } from "../../node/engine.js";
import type { NodeConfig } from "../../node/node-config.js";
import { programUrl } from "../../support/program-url.js";
import { GrpcTransport } from "../../transport/grpc/grpc-transport.js";

/** Runs this node's images until the job ends; returns the job's exit status. */
export function runNode(config: NodeConfig): Promise<number> {
  return runEngine(
    {
      nodeIndex: config.nodeIndex,
      nodeCount: config.nodeCount,
      images: config.images,
      programUrl: programUrl(config.program),
      args: config.args,
      label: config.label,
      timeoutSeconds: config.timeoutSeconds,
      deadlockTimeoutSeconds: config.deadlockTimeoutSeconds,
      observe: config.observe,
      checkpoint: config.checkpoint ?? { dir: defaultCheckpointDir(config.program), restart: "no" },
      stdoutFd: 1,
      stderrFd: 2,
      token: config.token,
      workerUrl: new URL("./worker.js", import.meta.url),
      launcherReadsStderr: process.env.PGASC_READY_LINE === "1",
      watchStdin: process.env.PGASC_EXIT_ON_STDIN_EOF === "1",
    },
    (events) => new GrpcTransport(config, events),
  );
}
