// The flood of strangers, in a thread of its own so that its TLS work does not slow the test's own
// event loop (the fake OpenAI and the paired client live there). Posts each wave as it is sent, then
// how long the relay kept every connection open after its request began.
import { connect as netConnect } from "node:net";
import { connect } from "node:tls";
import { parentPort, workerData } from "node:worker_threads";

const { port, ca, waves, perWave, waveMs, addresses, heads, boundMs } = workerData;
let session;

function holdOpen(localAddress, head) {
  return new Promise((resolve) => {
    let sent = performance.now();
    const raw = netConnect({ host: "127.0.0.1", port, localAddress });
    raw.on("error", () => undefined);
    // Resuming one TLS session, as a cheap flooder would.
    const socket = connect({
      socket: raw,
      ca: [ca],
      checkServerIdentity: () => undefined,
      ...(session && { session }),
    });
    socket.once("session", (s) => (session ??= s));
    socket.on("secureConnect", () => {
      sent = performance.now();
      socket.write(head);
    });
    socket.on("data", () => undefined);
    socket.on("error", () => undefined);
    socket.on("close", () => resolve(performance.now() - sent));
    // A bound for the test itself: the relay must have closed it long before.
    setTimeout(() => socket.destroy(), boundMs).unref();
  });
}

const lifetimes = [];
for (let wave = 0; wave < waves; wave++) {
  for (let i = 0; i < perWave; i++) lifetimes.push(holdOpen(addresses[i % addresses.length], heads[i % heads.length]));
  parentPort.postMessage({ wave });
  await new Promise((resolve) => setTimeout(resolve, waveMs));
}
parentPort.postMessage({ lifetimes: await Promise.all(lifetimes) });
