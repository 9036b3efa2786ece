import { createServer, type RequestListener, type Server } from "node:http";
import { createServer as createTlsServer } from "node:https";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { localRelay, openPairing, sendControl } from "../../src/commands/control-client.js";
import { showRunningRelay } from "../../src/console/already-running.js";
import { loadOrCreateIdentity } from "../../src/state/identity.js";
import { writeRuntimeInfo, type RuntimeInfo } from "../../src/state/runtime-info.js";
import { runCommand } from "../support/command.js";
import { useRelayWithFakeUpstream } from "../support/fixture.js";

const t = useRelayWithFakeUpstream();
const homes: string[] = [];
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

/** A folder whose relay.json points at `port`, as a running relay (this process) would have written it. */
async function homeFor(port: number, runtime: Partial<RuntimeInfo> = {}): Promise<string> {
  const home = mkdtempSync(join(tmpdir(), "passerelle-control-"));
  homes.push(home);
  await loadOrCreateIdentity(home);
  writeRuntimeInfo(home, { pid: process.pid, port, host: "127.0.0.1", scheme: "http", control: "c", ...runtime });
  return home;
}

/** Something else listening on loopback, answering every request with `answer`. */
async function listening(answer: RequestListener, tls?: { key: string; cert: string }): Promise<number> {
  const server = tls ? createTlsServer(tls, answer) : createServer(answer);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

describe("the control client (pair, pair --cli, revoke, a second start)", () => {
  it("opens pairing on the running relay, pinned to its certificate", async () => {
    const opened = await openPairing(localRelay(t.relay.home)!);
    expect(opened.code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){6}$/);
    expect(opened.expiresAt.getTime()).toBeGreaterThan(Date.now());
    expect(t.relay.relay.security.pairing.isOpen()).toBe(true);
  });

  it("says what the running relay answered when it refuses, in its words", async () => {
    const { runtime, identity } = localRelay(t.relay.home)!;
    await expect(openPairing({ runtime: { ...runtime, control: "not-the-secret" }, identity })).rejects.toThrow(
      /refused \(403 control_refused\): Only the relay's owner/,
    );
  });

  it("turns an answer that is not JSON into an error, for pair and a second start alike", async () => {
    const port = await listening((_req, res) => res.writeHead(200).end("<html>a web server</html>"));
    const home = await homeFor(port);
    expect(await runCommand(home, "pair")).toEqual({
      code: 1,
      out: "",
      err: "passerelle pair: the running relay did not open pairing (the relay answered 200 without JSON).\n",
    });
    const printed: string[] = [];
    expect(await showRunningRelay(home, port, (line) => printed.push(line))).toBe(false);
    expect(printed).toEqual([]);
  });

  it("refuses a relay that shows another certificate, sending it nothing", async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), "passerelle-other-"));
    homes.push(elsewhere);
    const other = await loadOrCreateIdentity(elsewhere);
    let asked = 0;
    const port = await listening((_req, res) => void (asked++, res.end("{}")), {
      key: other.keyPem,
      cert: other.certPem,
    });
    const home = await homeFor(port, { scheme: "https" });
    // Not the certificate in relay.json's folder: refused before a byte of the request leaves.
    await expect(sendControl(localRelay(home)!, "/control/pairing")).rejects.toThrow(/self-signed certificate/);
    expect(asked).toBe(0);
  });

  it("finds no relay when nothing listens at relay.json's port: the files are the truth then", async () => {
    const port = await listening(() => undefined);
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const home = await homeFor(port);
    expect(await sendControl(localRelay(home)!, "/control/devices", { name: "x" })).toBeUndefined();
    expect((await runCommand(home, "pair")).err).toContain("the relay is not listening");
  });
});
