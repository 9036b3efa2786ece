import { writeFileSync } from "node:fs";
import type { CommandRunner } from "../src/attachments/image-tools";
import { pngBytes } from "./images";

/**
 * Stands in for macOS's `sips` (absent on Linux): records each command line, and writes at `--out` a PNG of the size
 * asked (`-Z` gives the long side; the picture is a flat grey of `aspect`). `fail` makes every call fail, as sips
 * does on a file it cannot read.
 */
export function fakeSips(options: { aspect?: number; fail?: boolean } = {}) {
  const calls: { program: string; args: string[] }[] = [];
  const run: CommandRunner = async (program, args) => {
    calls.push({ program, args });
    if (options.fail) throw Object.assign(new Error("sips failed"), { stderr: "Error: Cannot read" });
    const out = args[args.indexOf("--out") + 1];
    const side = args.includes("-Z") ? Number(args[args.indexOf("-Z") + 1]) : 64;
    const aspect = options.aspect ?? 1;
    writeFileSync(out, pngBytes(side, Math.max(1, Math.round(side / aspect))));
  };
  return { run, calls };
}
