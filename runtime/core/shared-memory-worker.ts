// Entry point of one image thread of a one-node job. Consumes workerData from the node's main
// thread (rank, size, control block, port, program URL, args); runs the program on a
// SharedMemoryCore (image-runner.ts).

import { workerData } from "node:worker_threads";
import { runImage, type ImageWorkerData } from "./image-runner.js";
import { SharedMemoryCore } from "./shared-memory-core.js";

export type { ImageWorkerData } from "./image-runner.js";

const data = workerData as ImageWorkerData;
runImage(data, new SharedMemoryCore(data)).finally(() => data.port.close());
