// @vitest-environment happy-dom

import { describe, expect, it } from "vitest";
import { FakeOpenAIServer } from "../test/fake-openai-server";
import { usePairedFakeRelay } from "../test/paired-relay";
import { raycast } from "../test/raycast-api-double";
import { markdown, renderCommand, waitForDetail } from "../test/render";
import Ask from "./ask";

const TOKENS = 50_000;
const server = usePairedFakeRelay();

function heapUsed(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

describe("a 50,000-token answer", () => {
  it("streams with bounded re-renders and bounded memory", async () => {
    // The relay forwards OpenAI's events as they come: 50,000 chunk events, sent in bursts.
    server.onChat = async (_request, res) => {
      FakeOpenAIServer.openStream(res);
      for (let i = 0; i < TOKENS; i += 500) {
        let burst = "";
        for (let j = i; j < i + 500; j++) burst += FakeOpenAIServer.textEvent(res, `w${j} `);
        res.write(burst);
        await new Promise((resolve) => setImmediate(resolve));
      }
      FakeOpenAIServer.endStream(res, { input: 12, output: TOKENS });
    };
    expect(typeof (globalThis as { gc?: unknown }).gc).toBe("function");
    const baseline = heapUsed();
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);

    const started = Date.now();
    renderCommand(<Ask arguments={{ question: "Write a lot" }} launchType={"userInitiated" as never} />);
    await waitForDetail(60_000);
    const seconds = (Date.now() - started) / 1000;
    clearInterval(sampler);

    const text = markdown();
    expect(text.startsWith("w0 w1 w2 ")).toBe(true);
    expect(text.endsWith(`w${TOKENS - 1} `)).toBe(true);
    expect(text.split(" ").length - 1).toBe(TOKENS);

    // At most one render per 100 ms while streaming, plus a few for start and end — not one per token.
    expect(raycast.detailRenders).toBeLessThan(seconds * 10 + 20);
    expect(raycast.detailRenders).toBeLessThan(1_000);

    // The answer is ~400 KB of text; streaming it must not grow the heap anywhere near Raycast's 100 MB limit.
    const retained = heapUsed() - baseline;
    expect(peak - baseline).toBeLessThan(60 * 1024 * 1024);
    expect(retained).toBeLessThan(20 * 1024 * 1024);
    console.log(
      `50k tokens: ${seconds.toFixed(1)} s, ${raycast.detailRenders} renders, peak +${((peak - baseline) / 1048576).toFixed(1)} MB, retained +${(retained / 1048576).toFixed(1)} MB`,
    );
  }, 90_000);
});
