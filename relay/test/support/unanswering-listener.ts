import { spawn, type ChildProcess } from "node:child_process";
import { connect, type Socket } from "node:net";
import { sleep } from "./fixture.js";

/**
 * A loopback port that completes no more TCP handshakes: a listener in a stopped child process,
 * its accept queue filled, so the kernel drops further connection attempts.
 */
export async function unansweringListener(): Promise<{ port: number; child: ChildProcess; fillers: Socket[] }> {
  const script = `const s = require("node:net").createServer();
s.listen({ port: 0, host: "127.0.0.1", backlog: 1 }, () => {
  process.stdout.write(s.address().port + "\\n", () => process.kill(process.pid, "SIGSTOP"));
});`;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve) => child.stdout!.once("data", (d: Buffer) => resolve(Number(d))));
  await sleep(50);
  const fillers: Socket[] = [];
  for (let i = 0; i < 16; i++) {
    const socket = connect({ host: "127.0.0.1", port });
    socket.on("error", () => {});
    fillers.push(socket);
    const connected = await Promise.race([
      new Promise<boolean>((r) => socket.once("connect", () => r(true))),
      sleep(150).then(() => false),
    ]);
    if (!connected) break;
  }
  return { port, child, fillers };
}
