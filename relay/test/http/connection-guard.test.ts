import { createServer, type Server } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { guardConnections, type ConnectionGuard } from "../../src/http/connection-guard.js";

let server: Server | undefined;
afterEach(() => server?.close());

async function guarded(
  limits: Parameters<typeof guardConnections>[1],
): Promise<{ port: number; guard: ConnectionGuard }> {
  server = createServer(() => undefined);
  const guard = guardConnections(server, limits);
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as AddressInfo).port, guard };
}

/** A connection from `localAddress` (its `closed` tells whether the server closed it). */
async function open(port: number, localAddress: string): Promise<Socket> {
  const socket = connect({ host: "127.0.0.1", port, localAddress });
  socket.on("error", () => undefined);
  socket.resume();
  await new Promise((resolve) => socket.once("connect", resolve));
  return socket;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe("the connection guard", () => {
  it("closes an address's connections past its cap, and not another address's", async () => {
    const { port, guard } = await guarded({ perAddress: 3, untrusted: 100, total: 100 });
    const mine = [];
    for (let i = 0; i < 4; i++) mine.push(await open(port, "127.0.7.1"));
    const other = await open(port, "127.0.7.2");
    await settle();
    expect(mine.map((s) => s.closed)).toEqual([false, false, false, true]);
    expect(other.closed).toBe(false);
    expect(guard.open()).toBe(4);
    for (const s of [...mine, other]) s.destroy();
  });

  it("makes room by closing the oldest untrusted connection, never a trusted one", async () => {
    const { port, guard } = await guarded({ perAddress: 100, untrusted: 3, total: 100 });
    const paired = await open(port, "127.0.7.3");
    await settle();
    guard.trust({ remoteAddress: "127.0.7.3", remotePort: paired.localPort });
    const strangers = [];
    for (let i = 0; i < 5; i++) strangers.push(await open(port, `127.0.8.${i + 1}`));
    await settle();
    // Three untrusted at most: the two oldest strangers made room for the newest.
    expect(strangers.map((s) => s.closed)).toEqual([true, true, false, false, false]);
    expect(paired.closed).toBe(false);
    for (const s of [...strangers, paired]) s.destroy();
  });
});
