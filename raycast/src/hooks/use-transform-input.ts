import { Clipboard, getSelectedText } from "@raycast/api";
import { usePromise } from "@raycast/utils";
import { useState } from "react";
import { clipboardUnreadable, EMPTY_CLIPBOARD, explainSelection, type InputProblem } from "../helpers/selection";
import type { TransformInput } from "../components/transform-result";

type Source = TransformInput["source"];

/** The clipboard for `{clipboard}` beside another text: a failed read leaves it out rather than stop. */
function optionalClipboard(): Promise<string | undefined> {
  return Clipboard.readText().catch(() => undefined);
}

/** The text to work on, or why there is none. Rejects only when the clipboard, the text itself, cannot be read. */
async function readInput(source: Source): Promise<{ input?: TransformInput; problem?: InputProblem }> {
  if (source === "clipboard") {
    const text = (await Clipboard.readText()) ?? "";
    return text.trim() ? { input: { text, source, clipboard: text } } : { problem: EMPTY_CLIPBOARD };
  }
  if (source === "none") return { input: { text: "", source, clipboard: await optionalClipboard() } };
  const selected = await getSelectedText().catch((error: unknown) => error);
  const problem = explainSelection(selected);
  if (problem) return { problem };
  return { input: { text: selected as string, source, clipboard: await optionalClipboard() } };
}

/**
 * Reads the text to transform: the selection (with a clear problem when there is none) or the clipboard. A failure
 * is a problem to show, never a spinner left turning.
 */
export function useTransformInput(source: Source) {
  const [from, setFrom] = useState(source);
  // The view words a failure itself: no toast.
  const { data, error, isLoading } = usePromise(readInput, [from], { onError: () => undefined });
  const problem = error ? clipboardUnreadable(error) : data?.problem;
  return { input: data?.input, problem, isLoading, switchToClipboard: () => setFrom("clipboard") };
}
