import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import OpenAI from "openai";
import { Agent } from "undici";
import { prepareSecurity } from "../../src/auth/relay-security.js";
import { pinnedFetch } from "./relay-under-test.js";
import { relayDir } from "../../scripts/build-relay.ts";

/** The relay as a separate process (`node bin/passerelle.js`), everything it prints kept. */
export interface RelayProcess {
  child: ChildProcess;
  port: number;
  /** stdout and stderr so far, in order. */
  output(): string;
  /** An `openai` client for a paired device, pinned to the relay's certificate. */
  client(apiKey: string, options?: Partial<ConstructorParameters<typeof OpenAI>[0]>): OpenAI;
  token: string;
  dispatcher: Agent;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

/**
 * Starts `node bin/passerelle.js` with `args`, its HOME, LOCALAPPDATA (its folder on Windows), XDG_CONFIG_HOME
 * and PASSERELLE_HOME all under `root`, one device paired beforehand. Resolves once it says it is listening.
 */
export async function startRelayProcess(root: string, args: string[]): Promise<RelayProcess> {
  const home = join(root, "passerelle-home");
  for (const dir of ["home", "localappdata", "xdg", "passerelle-home"]) mkdirSync(join(root, dir), { recursive: true });
  const security = await prepareSecurity(home);
  const { token } = security.devices.add("process-test", "app");
  const { certPem, fingerprint256 } = security.identity;

  const env = {
    PATH: process.env.PATH,
    HOME: join(root, "home"),
    LOCALAPPDATA: join(root, "localappdata"),
    XDG_CONFIG_HOME: join(root, "xdg"),
    PASSERELLE_HOME: home,
  };
  const child = spawn(process.execPath, ["bin/passerelle.js", "--host", "127.0.0.1", "--port", "0", ...args], {
    cwd: relayDir,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString("utf8")));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay did not start:\n${output}`)), 10_000);
    const look = () => {
      const found = /listening on port (\d+)/.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(Number(found[1]));
      }
    };
    child.stdout!.on("data", look);
    void exited.then(() => reject(new Error(`relay exited:\n${output}`)));
  });

  const dispatcher = new Agent({
    connect: {
      ca: [certPem],
      checkServerIdentity: (_host, cert) =>
        cert.fingerprint256 === fingerprint256 ? undefined : new Error("Not the relay's certificate."),
    },
  });
  const fetch = pinnedFetch(dispatcher) as unknown as typeof globalThis.fetch;
  return {
    child,
    port,
    output: () => output,
    token,
    dispatcher,
    exited,
    client: (apiKey, options = {}) =>
      new OpenAI({
        apiKey,
        baseURL: `https://127.0.0.1:${port}/v1`,
        maxRetries: 0,
        fetch,
        defaultHeaders: { "X-Passerelle-Token": token },
        ...options,
      }),
  };
}
