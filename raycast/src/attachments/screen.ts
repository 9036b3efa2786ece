import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ScreenRecordingDeniedError } from "../failures/errors";
import { runCommand, type CommandRunner } from "./image-tools";

/**
 * Captures the main display with macOS's `screencapture` into a new temporary folder (removed with
 * {@link removeCapture} once the answer is in). Without the Screen Recording permission, screencapture fails or
 * writes nothing: that is a {@link ScreenRecordingDeniedError}.
 */
export async function captureScreen(run: CommandRunner = runCommand): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), "passerelle-screen-"));
  const path = join(folder, "Screen.png");
  try {
    await run("/usr/sbin/screencapture", ["-x", "-m", "-t", "png", path]);
    if (!(await stat(path).catch(() => undefined))?.size)
      throw new ScreenRecordingDeniedError("screencapture wrote no picture");
    return path;
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    if (error instanceof ScreenRecordingDeniedError) throw error;
    throw new ScreenRecordingDeniedError("screencapture failed", {}, { cause: error });
  }
}

/** Removes a capture and its folder. */
export async function removeCapture(path: string): Promise<void> {
  await rm(join(path, ".."), { recursive: true, force: true });
}
