/** Why there is no text to transform, and what to do. */
export interface InputProblem {
  /** The selection's problems offer the clipboard instead; the clipboard's do not. */
  kind: "nothing-selected" | "permission" | "empty-clipboard" | "clipboard-unreadable";
  title: string;
  message: string;
}

/** The clipboard holds no text (empty, or an image or a file). */
export const EMPTY_CLIPBOARD: InputProblem = {
  kind: "empty-clipboard",
  title: "No text on the clipboard",
  message: "Copy some text, then run the command again.",
};

/** Raycast could not read the clipboard at all. */
export function clipboardUnreadable(error: unknown): InputProblem {
  const reason = error instanceof Error && error.message ? ` (${error.message.replace(/\.$/, "")})` : "";
  return {
    kind: "clipboard-unreadable",
    title: "Cannot read the clipboard",
    message: `Raycast could not read the clipboard${reason}. Copy the text again, then run the command again.`,
  };
}

/** The pane in System Settings where Raycast gets Accessibility permission. */
export const ACCESSIBILITY_SETTINGS_URL =
  "x-apple.systempreferences:com.apple.preference.security?Privacy_Accessibility";

/**
 * Explains a failed or empty `getSelectedText()`. Raycast rejects the same way when nothing is selected and when it
 * lacks Accessibility permission, so unless the error names the permission, say both.
 */
export function explainSelection(result: string | unknown): InputProblem | undefined {
  if (typeof result === "string") {
    if (result.trim()) return undefined;
  }
  const message = result instanceof Error ? result.message : "";
  if (/accessibility|permission|not (allowed|authori[sz]ed)/i.test(message)) {
    return {
      kind: "permission",
      title: "Raycast needs Accessibility permission",
      message:
        "Open System Settings → Privacy & Security → Accessibility and turn on Raycast, then run the command again. Or use the clipboard instead.",
    };
  }
  return {
    kind: "nothing-selected",
    title: "No text selected",
    message:
      "Select some text in any app, then run the command again — or use the clipboard instead. If text was selected, Raycast may lack Accessibility permission (System Settings → Privacy & Security → Accessibility).",
  };
}

/** Above this size, ask before sending (about 10,000 tokens). */
export const LONG_INPUT_CHARS = 40_000;

/** True when the input is long enough to warn about its size before sending it. */
export function isLongInput(text: string): boolean {
  return text.length > LONG_INPUT_CHARS;
}
