// Runs `passerelle <argv>` from the built relay each time the test posts a message: a separate
// thread, so that its file reads and writes truly race those of the others.
import { parentPort, workerData } from "node:worker_threads";

const { runSubcommand } = await import(workerData.dispatch);

parentPort.on("message", async ({ argv, home }) => {
  let out = "";
  let err = "";
  const io = { env: { PASSERELLE_HOME: home }, out: (t) => void (out += t), err: (t) => void (err += t) };
  try {
    const code = await runSubcommand(argv, io);
    parentPort.postMessage({ code, out, err });
  } catch (error) {
    parentPort.postMessage({ code: -1, out, err: err + String(error?.name) });
  }
});
parentPort.postMessage({ ready: true });
