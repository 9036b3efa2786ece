// @vitest-environment happy-dom

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServerResponse } from "node:http";
import { screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import { FakeOpenAIServer } from "../test/fake-openai-server";
import { responseEvents } from "../test/fake-responses";
import { pngBytes } from "../test/images";
import { HIDDEN_REASONING } from "./helpers/answer-markdown";
import { usePairedFakeRelay } from "../test/paired-relay";
import { raycast } from "../test/raycast-api-double";
import { markdown, metadata, renderCommand, runAction, visible, waitUntilLoaded } from "../test/render";
import Ask from "./ask";

const server = usePairedFakeRelay();
const dir = mkdtempSync(join(tmpdir(), "passerelle-views-"));
beforeEach(() => {
  server.onChat = (_request, res) => FakeOpenAIServer.stream(res, ["Paris."]);
});

function ask(question: string) {
  return renderCommand(<Ask arguments={{ question }} launchType={"userInitiated" as never} />);
}

function actionTitles(): string[] {
  return visible("[role='menuitem']").map((item) => item.textContent ?? "");
}

/** The seconds "Thinking… N s" shows. */
const thinkingSeconds = () => Number(/_Thinking… (\d+) s_/.exec(markdown())?.[1]);

/** Writes the first events of a stream, up to (not including) the first one matching `until`; the rest on `go`. */
function paced(res: ServerResponse, events: string[], until: string) {
  res.writeHead(200, { "content-type": "text/event-stream" });
  const cut = events.findIndex((event) => event.includes(until));
  for (const event of events.slice(0, cut)) res.write(event);
  return () => {
    for (const event of events.slice(cut)) res.write(event);
    res.end();
  };
}

describe("an answer cut by a failure, not by Stop (issue 17, item 21)", () => {
  it("keeps the reason beside the partial text when the relay dies mid-answer, with Regenerate", async () => {
    server.onChat = async (_request, res) => {
      FakeOpenAIServer.openStream(res);
      FakeOpenAIServer.writeText(res, "The first half");
      await new Promise((resolve) => setTimeout(resolve, 150));
      res.socket?.destroy(); // what the Mac sees when the relay's process is killed
    };
    ask("Tell me a long story");
    await waitUntilLoaded();
    expect(markdown()).toMatch(
      /^The first half\n\n---\n\*\*Relay stopped mid-answer \(https:\/\/127\.0\.0\.1:\d+\)\.\*\* The connection/,
    );
    expect(markdown()).not.toContain("Stopped before the end");
    expect(metadata("Status")).toMatch(/^Relay stopped mid-answer/);
    expect(actionTitles()[0]).toBe("Regenerate");
    expect(actionTitles()).not.toContain("Ask Again");

    server.onChat = (_request, res) => FakeOpenAIServer.stream(res, ["The whole story."]);
    await runAction("Regenerate");
    await waitUntilLoaded();
    expect(markdown()).toBe("The whole story.");
  });

  it.each([
    ["upstream_closed", "OpenAI cut the answer"],
    ["upstream_idle_timeout", "OpenAI stopped answering"],
  ])("keeps the relay's own reason (%s) beside the partial text", async (code) => {
    server.onChat = (_request, res) => {
      FakeOpenAIServer.openStream(res);
      FakeOpenAIServer.writeText(res, "Half");
      res.end(
        `event: error\ndata: ${JSON.stringify({ error: { message: "cut", type: "passerelle_error", param: null, code } })}\n\n`,
      );
    };
    ask("Long?");
    await waitUntilLoaded();
    const [, reason] = markdown().split("\n\n---\n");
    expect(markdown().startsWith("Half\n\n---\n**")).toBe(true);
    expect(reason).toMatch(/^\*\*.+\.\*\* .+/);
    expect(metadata("Status")).toBe(reason.slice(2, reason.indexOf(".**")));
  });

  it("still says only 'Stopped before the end' when the person pressed Stop", async () => {
    server.onChat = (_request, res) => {
      FakeOpenAIServer.openStream(res);
      FakeOpenAIServer.writeText(res, "Some");
    };
    ask("Long?");
    await waitFor(() => expect(markdown()).toBe("Some"));
    await runAction("Stop Answer");
    await waitUntilLoaded();
    expect(markdown()).toBe("Some\n\n---\n_Stopped before the end._");
    expect(metadata("Status")).toBe("Interrupted");
  });
});

describe("reasoning models", () => {
  it("say Thinking… with the time, stream the summary above the answer, then the answer, with the first token's time", async () => {
    raycast.preferences.model = "o4-mini";
    let go = () => undefined as void;
    server.onChat = (_request, res) => {
      go = paced(
        res,
        responseEvents({ model: "o4-mini", reasoning: [["Weighing ", "the options."]], text: ["Take ", "the train."] }),
        "response.output_text.delta",
      );
    };
    ask("Train or plane?");
    await waitFor(() => expect(markdown()).toMatch(/^> _Weighing the options\._\n\n_Thinking… \d+ s_$/));
    // The clock goes on while the model thinks (a busy machine may show 1 s first, not 0).
    const first = thinkingSeconds();
    await waitFor(() => expect(thinkingSeconds()).toBeGreaterThan(first), { timeout: 2500 });
    go();
    await waitUntilLoaded();
    expect(markdown()).toBe("> _Weighing the options._\n\nTake the train.");
    expect(metadata("First Token")).toMatch(/^\d+(\.\d)? (ms|s)$/);
    expect(server.chatRequests[0].body.reasoning).toEqual({ effort: "medium", summary: "auto" });
  });

  it("asks again without the summary when OpenAI refuses it (organization not verified), says why, and remembers", async () => {
    raycast.preferences.model = "o4-mini";
    let go = () => undefined as void;
    server.onChat = (request, res) => {
      if ((request.body.reasoning as { summary?: string }).summary === "auto") {
        // OpenAI's answer, word for word, to an organization it has not verified.
        return FakeOpenAIServer.error(res, 400, {
          message:
            "Your organization must be verified to generate reasoning summaries. Please go to: " +
            "https://platform.openai.com/settings/organization/general and click on Verify Organization. " +
            "If you just verified, it can take up to 15 minutes for access to propagate.",
          type: "invalid_request_error",
          param: "reasoning.summary",
          code: "unsupported_value",
        });
      }
      go = paced(res, responseEvents({ model: "o4-mini", text: ["Take ", "the train."] }), "output_text.delta");
    };
    const first = ask("Train or plane?");
    await waitFor(() => expect(markdown()).toMatch(/^_Thinking… \d+ s_\n\n/));
    expect(markdown()).toContain(HIDDEN_REASONING);
    await waitFor(() => expect(server.chatRequests).toHaveLength(2));
    go();
    await waitUntilLoaded();
    expect(markdown()).toBe("Take the train.");
    const reasoning = () => server.chatRequests.map((request) => request.body.reasoning);
    expect(reasoning()).toEqual([{ effort: "medium", summary: "auto" }, { effort: "medium" }]);
    first.unmount();
    // The next question asks for no summary: it would only be refused again.
    ask("And by car?");
    await waitFor(() => expect(markdown()).toMatch(/^_Thinking… \d+ s_\n\n/));
    expect(markdown()).toContain(HIDDEN_REASONING);
    await waitFor(() => expect(server.chatRequests).toHaveLength(3));
    go();
    await waitUntilLoaded();
    expect(reasoning()).toEqual([{ effort: "medium", summary: "auto" }, { effort: "medium" }, { effort: "medium" }]);
  });

  it("Esc while the model thinks aborts the request upstream", async () => {
    raycast.preferences.model = "o4-mini";
    let closedEarly = false;
    server.onChat = (_request, res) => {
      res.on("close", () => (closedEarly = !res.writableEnded));
      paced(res, responseEvents({ model: "o4-mini", reasoning: [["Hmm."]], text: ["Late."] }), "response.output_text");
    };
    const view = ask("Hard one?");
    await waitFor(() => expect(markdown()).toMatch(/^> _Hmm\._\n\n_Thinking… \d+ s_$/));
    view.unmount();
    await waitFor(() => expect(closedEarly).toBe(true), { timeout: 2000 });
  });
});

describe("Search the Web", () => {
  it("asks again with web search and shows the sources numbered, under the answer and beside it", async () => {
    const sources = [
      { url: "https://example.org/news", title: "Example News" },
      { url: "https://example.com/today", title: "Today" },
    ];
    ask("What happened today?");
    await waitUntilLoaded();
    server.onChat = (_request, res) =>
      FakeOpenAIServer.respond(res, { search: { query: "today news", sources }, text: ["Two things."] });
    await runAction("Search the Web");
    await waitUntilLoaded();
    expect(server.chatRequests[1].body.tools).toEqual([{ type: "web_search" }]);
    expect(markdown()).toBe(
      "Two things.\n\n**Sources**\n\n1. [Example News](https://example.org/news)\n2. [Today](https://example.com/today)",
    );
    expect(metadata("Sources")).toBe("1. Example News");
    expect(metadata("Web Search")).toBe("On");
    expect(actionTitles()).toContain("Answer Without Web Search");
  });

  it("is not offered for a model the PC serves, and says why in its place", async () => {
    raycast.preferences.model = "llama3.2:3b";
    ask("Hi?");
    await waitUntilLoaded();
    expect(actionTitles()).not.toContain("Search the Web");
    await runAction("Web Search: Not for Models on the PC");
    expect(raycast.toasts.at(-1)?.message).toMatch(/llama3\.2:3b runs on your PC .* Try Another Model/);
    expect(server.chatRequests).toHaveLength(1);
    expect(server.chatRequests[0].url).toBe("/v1/chat/completions");
  });
});

describe("attachments in Ask", () => {
  it("asks again with the clipboard's image, sent as an image input and named above the answer", async () => {
    const png = pngBytes(320, 200);
    const path = join(dir, "Screenshot 2026-12-04.png");
    writeFileSync(path, png);
    raycast.clipboardFile = `file://${encodeURI(path)}`;
    ask("What is this?");
    await waitUntilLoaded();
    server.onChat = (_request, res) => FakeOpenAIServer.stream(res, ["A grey rectangle."]);
    await runAction("Attach Clipboard and Ask Again");
    await waitFor(() => expect(server.chatRequests).toHaveLength(2));
    await waitUntilLoaded();
    const [image, question] = server.chatRequests[1].messages.at(-1)!.content as {
      type: string;
      image_url?: string;
      text?: string;
    }[];
    expect(image.type).toBe("input_image");
    expect(Buffer.from(image.image_url!.split(",")[1], "base64").equals(png)).toBe(true);
    expect(question).toEqual({ type: "input_text", text: "What is this?" });
    expect(markdown()).toBe("📎 `Screenshot 2026-12-04.png` (Image)\n\nA grey rectangle.");
  });

  it("offers Try Another Model first when the model refuses images", async () => {
    const path = join(dir, "photo.png");
    writeFileSync(path, pngBytes(10, 10));
    raycast.clipboardFile = path;
    ask("What is this?");
    await waitUntilLoaded();
    server.onChat = (_request, res) =>
      FakeOpenAIServer.error(res, 400, {
        message: "This model does not support image inputs.",
        type: "invalid_request_error",
        code: null,
      });
    await runAction("Attach Clipboard and Ask Again");
    await waitFor(() => expect(server.chatRequests).toHaveLength(2));
    await waitUntilLoaded();
    expect(markdown()).toContain("This model does not support image inputs.");
    expect(actionTitles()[0]).toBe("Try Another Model");
    expect(screen.getAllByRole("menuitem", { name: "Try Another Model" })).toHaveLength(1);
  });
});
