// Entry point of one image thread (smp conduit). Consumes workerData from node.ts (rank, size,
// control block, port, program URL, args); runs the program on an SmpCore (image-runner.ts).

import { workerData } from "node:worker_threads";
import { runImage, type ImageWorkerData } from "./image-runner.js";
import { SmpCore } from "./smp-core.js";

export type { ImageWorkerData } from "./image-runner.js";

const data = workerData as ImageWorkerData;
runImage(data, new SmpCore(data)).finally(() => data.port.close());
