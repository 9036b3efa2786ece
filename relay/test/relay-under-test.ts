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
  };
}
