import { cleanup } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { FakeOpenAIServer } from "./fake-openai-server";
import { raycast } from "./raycast-api-double";

/**
 * A fake relay for the calling test file, started once; before each test a fresh Raycast double with
 * the Mac paired to it and no recorded requests; rendered views are cleaned up after each test.
 */
export function usePairedFakeRelay(): FakeOpenAIServer {
  const server = new FakeOpenAIServer();
  beforeAll(() => server.start());
  afterAll(() => server.stop());
  beforeEach(() => {
    raycast.reset();
    server.pair();
    server.requests.length = 0;
  });
  afterEach(cleanup);
  return server;
}
