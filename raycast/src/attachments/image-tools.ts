import { execFile } from "node:child_process";

/** Runs a program with arguments and resolves when it exited 0; rejects with its stderr otherwise. */
export type CommandRunner = (program: string, args: string[]) => Promise<void>;

/** Runs programs for real (`sips`, `screencapture`: parts of macOS). */
export const runCommand: CommandRunner = (program, args) =>
  new Promise((resolve, reject) => {
    execFile(program, args, { timeout: 30_000 }, (error, _stdout, stderr) => {
      if (!error) return resolve();
      reject(Object.assign(error, { stderr: String(stderr).trim() }));
    });
  });

/** The longest side, in pixels, of an image sent to the model: larger ones cost tokens and time for nothing. */
export const MAX_IMAGE_SIDE = 2_048;

/** The longest side of the thumbnail History keeps. */
export const THUMBNAIL_SIDE = 96;

/**
 * The image work done on the Mac, with macOS's own `sips` run through `run` (replaced in tests, where there is no
 * sips). Each writes a new file at `output` and leaves `input` untouched.
 */
export function imageTools(run: CommandRunner = runCommand) {
  const sips = (args: string[]) => run("/usr/bin/sips", args);
  return {
    /** Scales down so the longest side is `maxSide`, converting to `format` when given. */
    downscale: (input: string, output: string, maxSide = MAX_IMAGE_SIDE, format?: "png" | "jpeg") =>
      sips([...(format ? ["-s", "format", format] : []), "-Z", String(maxSide), input, "--out", output]),
    /** Converts to PNG or JPEG at the same size (a TIFF screenshot, an iPhone's HEIC photo). */
    convert: (input: string, output: string, format: "png" | "jpeg") =>
      sips(["-s", "format", format, input, "--out", output]),
    /** A small JPEG for History. */
    thumbnail: (input: string, output: string) =>
      sips(["-s", "format", "jpeg", "-s", "formatOptions", "60", "-Z", String(THUMBNAIL_SIDE), input, "--out", output]),
  };
}

export type ImageTools = ReturnType<typeof imageTools>;
