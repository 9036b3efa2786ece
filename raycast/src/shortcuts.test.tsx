// @vitest-environment happy-dom
import { Action, ActionPanel, Detail } from "@raycast/api";
import { render, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { FakeOpenAIServer } from "../test/fake-openai-server";
import { usePairedFakeRelay } from "../test/paired-relay";
import { renderCommand, runAction, visible, waitUntilLoaded } from "../test/render";
import Ask from "./ask";
import { STOP_ANSWER_SHORTCUT } from "./components/stop-answer-action";

const server = usePairedFakeRelay();

/** The shortcuts of the actions on screen, as the Raycast double records them. */
function shortcutsOnScreen(): string[] {
  return visible("[role='menuitem'][data-shortcut]").map((item) => item.getAttribute("data-shortcut")!);
}

describe("keyboard shortcuts", () => {
  it("fails a view whose screen gives one shortcut to two actions", () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined); // React reports the error it rethrows
    const clash = (
      <Detail
        markdown=""
        actions={
          <ActionPanel>
            <Action title="One" shortcut={{ modifiers: ["cmd", "shift"], key: "." }} onAction={() => undefined} />
            <ActionPanel.Section>
              <Action title="Two" shortcut={{ modifiers: ["shift", "cmd"], key: "." }} onAction={() => undefined} />
            </ActionPanel.Section>
          </ActionPanel>
        }
      />
    );
    expect(() => render(clash)).toThrow(/"One" and "Two" share the shortcut cmd\+shift\+\./);
    vi.mocked(console.error).mockRestore();
  });

  it("gives Stop Answer and every other action of a streaming answer their own shortcut", async () => {
    // An answer that has begun and goes on until the request is stopped.
    server.onChat = (_request, res) => {
      FakeOpenAIServer.openStream(res);
      FakeOpenAIServer.writeText(res, "Paris");
    };
    renderCommand(<Ask arguments={{ question: "Capital?" }} launchType={"userInitiated" as never} />);
    await waitFor(() => expect(visible("[role='menuitem']").map((item) => item.textContent)).toContain("Stop Answer"));
    const shortcuts = shortcutsOnScreen();
    expect(shortcuts).toContain("cmd+.");
    expect(new Set(shortcuts).size).toBe(shortcuts.length);
    expect(STOP_ANSWER_SHORTCUT).toEqual({ modifiers: ["cmd"], key: "." });
    await runAction("Stop Answer");
    await waitUntilLoaded();
  });
});
