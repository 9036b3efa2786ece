import { Clipboard, openExtensionPreferences, showToast, Toast } from "@raycast/api";
import { describeFailure, type FailureDescription } from "../helpers/errors";

/** Shows one failure toast with what to do next, "Copy Error", and "Open Preferences" when that is the fix. */
export async function showFailure(
  error: unknown,
  context: { model?: string; address?: string } = {},
): Promise<FailureDescription> {
  const failure = describeFailure(error, context);
  const copyError = {
    title: "Copy Error",
    onAction: (toast: Toast) => {
      void Clipboard.copy(`${failure.title}\n${failure.message}\n\n${failure.detail}`);
      void toast.hide();
    },
  };
  await showToast({
    style: Toast.Style.Failure,
    title: failure.title,
    message: failure.message,
    primaryAction: failure.fixInPreferences
      ? { title: "Open Preferences", onAction: () => void openExtensionPreferences() }
      : copyError,
    secondaryAction: failure.fixInPreferences ? copyError : undefined,
  });
  return failure;
}
