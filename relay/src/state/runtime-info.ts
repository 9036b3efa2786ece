/** relay.json: how `passerelle pair` and a second start find the running relay. */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { writeStateFile } from "./state-file.js";

export const RUNTIME_FILE = "relay.json";

/** How `passerelle pair` finds the running relay: written at start (mode 0600), removed at stop. */
export interface RuntimeInfo {
  pid: number;
  port: number;
  /** Address the CLI connects to on this PC. */
  host: string;
  scheme: "https" | "http";
  control: string;
}

/** What relay.json says of the relay in this process, answering on `port` (listening on `config.host`). */
export function runtimeInfo(
  config: { host: string | undefined; insecureHttp: boolean },
  port: number,
  controlSecret: string,
): RuntimeInfo {
  const local = !config.host || config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  const scheme = config.insecureHttp ? "http" : "https";
  return { pid: process.pid, port, host: local, scheme, control: controlSecret };
}

export function writeRuntimeInfo(home: string, info: RuntimeInfo): void {
  writeStateFile(join(home, RUNTIME_FILE), JSON.stringify(info) + "\n");
}

export function readRuntimeInfo(home: string): RuntimeInfo | undefined {
  try {
    return JSON.parse(readFileSync(join(home, RUNTIME_FILE), "utf8")) as RuntimeInfo;
  } catch {
    return undefined;
  }
}

export function removeRuntimeInfo(home: string, pid = process.pid): void {
  if (readRuntimeInfo(home)?.pid === pid) rmSync(join(home, RUNTIME_FILE), { force: true });
}
