// @vitest-environment happy-dom

import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import { FakeOpenAIServer } from "../test/fake-openai-server";
import { pdfBytes, pngBytes } from "../test/images";
import { usePairedFakeRelay } from "../test/paired-relay";
import { raycast } from "../test/raycast-api-double";
import { markdown, renderCommand, runAction, visible, waitForDetail } from "../test/render";
import Ask, { type AskLaunchContext } from "./ask";
import AskAboutSelection from "./ask-about-selection";
import { askAboutScreen } from "./ask-about-screen";
import type { CommandRunner } from "./attachments/image-tools";
import { SCREEN_RECORDING_SETTINGS } from "./failures/toast";

const server = usePairedFakeRelay();
const dir = mkdtempSync(join(tmpdir(), "passerelle-ask-files-"));
beforeEach(() => {
  server.onChat = (_request, res) => FakeOpenAIServer.stream(res, ["A short report."]);
});

type Part = { type: string; filename?: string; file_data?: string; image_url?: string; text?: string };

function sentParts(index = 0): Part[] {
  return server.chatRequests[index].messages.at(-1)!.content as Part[];
}

/** Ask, launched by another command with `context`, as Raycast would. */
function askLaunchedWith(launched: unknown) {
  const { arguments: args, context } = launched as { arguments: { question: string }; context: AskLaunchContext };
  return renderCommand(<Ask arguments={args} launchContext={context} launchType={"userInitiated" as never} />);
}

describe("Ask About Selection", () => {
  it("asks about the PDF selected in Finder, sent as a file input and named above the answer", async () => {
    const pdf = pdfBytes(40_000);
    const path = join(dir, "report.pdf");
    writeFileSync(path, pdf);
    raycast.finderSelection = [path];
    renderCommand(<AskAboutSelection arguments={{ question: "Summarise it" }} launchType={"userInitiated" as never} />);
    await waitForDetail();
    const [file, question] = sentParts();
    expect(file).toMatchObject({ type: "input_file", filename: "report.pdf" });
    expect(Buffer.from(file.file_data!.split(",")[1], "base64").equals(pdf)).toBe(true);
    expect(question).toEqual({ type: "input_text", text: "Summarise it" });
    expect(markdown()).toBe("📎 `report.pdf` (PDF)\n\nA short report.");
  });

  it("falls back to the clipboard's image when Finder is not in front", async () => {
    const path = join(dir, "copied.png");
    writeFileSync(path, pngBytes(50, 50));
    raycast.clipboardFile = path;
    renderCommand(<AskAboutSelection arguments={{ question: "What is it?" }} launchType={"userInitiated" as never} />);
    await waitForDetail();
    expect(sentParts()[0].type).toBe("input_image");
  });

  it("says what to select when there is nothing, and sends nothing", async () => {
    renderCommand(<AskAboutSelection arguments={{ question: "?" }} launchType={"userInitiated" as never} />);
    await waitFor(() => expect(markdown()).toMatch(/^## Nothing to ask about\n\n.*Select files in Finder/));
    expect(raycast.toasts[0]).toMatchObject({ style: "failure", title: "Nothing to ask about" });
    expect(server.chatRequests).toHaveLength(0);
  });
});

describe("Ask About Screen", () => {
  it("without the Screen Recording permission, opens Ask saying where to grant it, and sends nothing", async () => {
    const denied: CommandRunner = async () => {
      throw Object.assign(new Error("Command failed: screencapture"), {
        stderr: "could not create image from display",
      });
    };
    await askAboutScreen("What is this?", denied);
    expect(raycast.closedWindow).toBe(1);
    expect(raycast.launched).toHaveLength(1);
    askLaunchedWith(raycast.launched[0]);
    await waitFor(() => expect(markdown()).toMatch(/^## Raycast may not record the screen\n\n/));
    expect(markdown()).toContain("System Settings → Privacy & Security → Screen & System Audio Recording");
    await runAction("Open Privacy Settings");
    expect(raycast.opened).toEqual([SCREEN_RECORDING_SETTINGS]);
    expect(server.chatRequests).toHaveLength(0);
  });

  it("attaches the capture to Ask as an image, and removes the file once read", async () => {
    const capture = pngBytes(1440, 900);
    let captured = "";
    const screencapture: CommandRunner = async (program, args) => {
      expect(program).toBe("/usr/sbin/screencapture");
      captured = args.at(-1)!;
      writeFileSync(captured, capture);
    };
    await askAboutScreen("What is this?", screencapture);
    askLaunchedWith(raycast.launched[0]);
    await waitForDetail();
    const [image] = sentParts();
    expect(Buffer.from(image.image_url!.split(",")[1], "base64").equals(capture)).toBe(true);
    expect(existsSync(captured)).toBe(false);
    expect(markdown()).toBe("📎 `Screen.png` (Image)\n\nA short report.");
    expect(visible("[role='menuitem']").length).toBeGreaterThan(0);
  });
});
