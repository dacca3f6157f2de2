// Entry point of one image thread of a grpc node (started by the node engine, runtime/node). Consumes workerData
// (the shared-memory fields plus node layout and the reply slot); runs the program on a GrpcCore.

import { workerData } from "node:worker_threads";
import { runImage, type ImageWorkerData } from "../../core/image-runner.js";
import { GrpcCore, type GrpcCoreOptions } from "./image-core.js";

export type GrpcImageWorkerData = ImageWorkerData & GrpcCoreOptions;

const data = workerData as GrpcImageWorkerData;
runImage(data, new GrpcCore(data)).finally(() => data.port.close());
