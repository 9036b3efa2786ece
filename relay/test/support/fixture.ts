import { afterAll, beforeAll, beforeEach } from "vitest";
import type { RelayConfig } from "../../src/config.js";
import { startFakeUpstream, type FakeUpstream } from "./fake-upstream.js";
import { startRelayUnderTest, type RelayUnderTest } from "./relay-under-test.js";

/** What a test file drives: the fake OpenAI and the relay in front of it. Filled in by `beforeAll`. */
export interface RelayFixture {
  upstream: FakeUpstream;
  relay: RelayUnderTest;
}

/**
 * Starts a fake OpenAI and the relay in front of it once for the calling test file, clears what the
 * fake recorded before each test, and stops both after the file.
 */
export function useRelayWithFakeUpstream(overrides: Partial<RelayConfig> = {}): RelayFixture {
  const fixture = {} as RelayFixture;
  beforeAll(async () => {
    fixture.upstream = await startFakeUpstream();
    fixture.relay = await startRelayUnderTest(fixture.upstream.baseURL, overrides);
  });
  afterAll(async () => {
    await fixture.relay?.relay.stop(100);
    await fixture.upstream?.close();
  });
  beforeEach(() => {
    fixture.upstream.requests.length = 0;
    fixture.upstream.options = {};
  });
  return fixture;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
