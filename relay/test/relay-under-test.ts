import { connect } from "node:net";
import OpenAI from "openai";
import { loadConfig, type RelayConfig } from "../src/config.js";
import type { RequestLogEntry } from "../src/request-log.js";
import { startRelay, type RunningRelay } from "../src/server.js";

export interface RelayUnderTest {
  relay: RunningRelay;
  baseURL: string;
  logs: RequestLogEntry[];
  /** An `openai` client pointed at the relay, as a user's script would make it. */
  client(apiKey: string, options?: Partial<ConstructorParameters<typeof OpenAI>[0]>): OpenAI;
  /**
   * Sends `text` as raw bytes on a fresh connection (for requests no HTTP client would send) and
   * resolves with everything the relay answered until it closed the connection or `waitMs` passed.
   */
  raw(text: string, waitMs?: number): Promise<string>;
}

/** Status code of the first response in a raw answer. */
export function rawStatus(answer: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
}

/** Starts the relay on a free loopback port in front of `upstream`. */
export async function startRelayUnderTest(
  upstream: string,
  overrides: Partial<RelayConfig> = {},
): Promise<RelayUnderTest> {
  const config = { ...loadConfig(["--host", "127.0.0.1", "--port", "0", "--upstream", upstream], {}), ...overrides };
  const logs: RequestLogEntry[] = [];
  const relay = await startRelay(config, (entry) => logs.push(entry));
  const baseURL = `http://127.0.0.1:${relay.port}/v1`;
  return {
    relay,
    baseURL,
    logs,
    client: (apiKey, options = {}) => new OpenAI({ apiKey, baseURL, maxRetries: 0, ...options }),
    raw: (text, waitMs = 2000) =>
      new Promise((resolve, reject) => {
        const socket = connect({ host: "127.0.0.1", port: relay.port });
        let answer = "";
        const timer = setTimeout(() => socket.destroy(), waitMs);
        socket.on("data", (chunk: Buffer) => (answer += chunk.toString("latin1")));
        socket.on("error", reject);
        socket.on("close", () => {
          clearTimeout(timer);
          resolve(answer);
        });
        socket.write(text);
      }),
  };
}
