import { createDeeplink } from "@raycast/utils";
import type { Prompt } from "./prompt";

/** A deeplink that runs this prompt through Run Prompt; saved as a Quicklink, it can get its own hotkey. */
export function promptDeeplink(prompt: Prompt, argument?: string): string {
  return createDeeplink({
    command: "run-prompt",
    arguments: { prompt: prompt.title, ...(argument ? { argument } : {}) },
  });
}
