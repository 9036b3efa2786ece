/** Why there is no text to transform, and what to do. */
export interface SelectionProblem {
  kind: "nothing-selected" | "permission";
  title: string;
  message: string;
}

/** The pane in System Settings where Raycast gets Accessibility permission. */
export const ACCESSIBILITY_SETTINGS_URL =
  "x-apple.systempreferences:com.apple.preference.security?Privacy_Accessibility";

/**
 * Explains a failed or empty `getSelectedText()`. Raycast rejects the same way when nothing is selected and when it
 * lacks Accessibility permission, so unless the error names the permission, say both.
 */
export function explainSelection(result: string | unknown): SelectionProblem | undefined {
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
