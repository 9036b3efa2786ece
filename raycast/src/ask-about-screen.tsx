import { closeMainWindow, launchCommand, LaunchType, type LaunchProps } from "@raycast/api";
import { captureScreen } from "./attachments/screen";
import type { CommandRunner } from "./attachments/image-tools";
import type { AskLaunchContext } from "./ask";

/** The question when none is typed. */
export const SCREEN_QUESTION = "What is on my screen? Point out anything that needs my attention.";

/**
 * Hides Raycast, captures the main display, and opens Ask with the capture attached (removed once read). Without
 * the Screen Recording permission, Ask opens with what to do instead.
 */
export async function askAboutScreen(question: string, run?: CommandRunner): Promise<void> {
  await closeMainWindow();
  // Let Raycast's window fade out, or it is in the picture.
  await new Promise((resolve) => setTimeout(resolve, 250));
  let context: AskLaunchContext;
  try {
    context = { attachments: [{ path: await captureScreen(run), temporary: true }] };
  } catch {
    context = { screenRecordingDenied: true };
  }
  await launchCommand({ name: "ask", type: LaunchType.UserInitiated, arguments: { question }, context });
}

/** Ask About Screen: a question about what is on the screen. */
export default async function Command(props: LaunchProps<{ arguments: Arguments.AskAboutScreen }>) {
  await askAboutScreen(props.arguments.question?.trim() || SCREEN_QUESTION);
}
