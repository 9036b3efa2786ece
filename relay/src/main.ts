/**
 * The relay's entry point. Its workers (see cluster/) run this same program, as Node's cluster starts them:
 * a worker loads only what serves requests, never the window, the commands or the relay's start.
 */
import cluster from "node:cluster";

if (cluster.isWorker) void import("./cluster/worker.js").then((worker) => worker.runWorker());
else void import("./cli.js");
