import { Clipboard, open, openExtensionPreferences, showToast, Toast } from "@raycast/api";
import { describeFailure, type FailureDescription } from "./describe";
import type { FailureFix } from "./wording";
import { openConnectToRelay } from "../helpers/launch";

const FIXES: Record<FailureFix, { title: string; onAction: () => void }> = {
  preferences: { title: "Open Preferences", onAction: () => void openExtensionPreferences() },
  "connect-to-relay": {
    title: "Connect to Relay",
    onAction: () => void openConnectToRelay(),
  },
  "screen-recording": {
    title: "Open Privacy Settings",
    onAction: () => void open(SCREEN_RECORDING_SETTINGS),
  },
};

/** macOS's Privacy & Security pane, at Screen Recording. */
export const SCREEN_RECORDING_SETTINGS =
  "x-apple.systempreferences:com.apple.preference.security?Privacy_ScreenCapture";

/** Shows one failure toast with what to do next, "Copy Error", and the action that fixes it when there is one. */
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
    primaryAction: failure.fix ? FIXES[failure.fix] : copyError,
    secondaryAction: failure.fix ? copyError : undefined,
  });
  return failure;
}
