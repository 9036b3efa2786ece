/** Running a program through the UAC prompt, for the one step that needs administrator rights. */
import { powershell, psString, quoteWindows, type CommandLine } from "./command-line.js";

/**
 * Runs the program with `args` through the UAC prompt and waits for it; the exit code is the program's,
 * 1 when the prompt was cancelled. Nothing goes through npx or a path lookup: the program's own path runs.
 */
export function elevateCommand(program: string, args: string[], env: NodeJS.ProcessEnv = process.env): CommandLine {
  const argumentList = args.map(quoteWindows).join(" ");
  return powershell(
    `$p = Start-Process -FilePath ${psString(program)} -ArgumentList ${psString(argumentList)} ` +
      "-Verb RunAs -WindowStyle Hidden -Wait -PassThru; exit $p.ExitCode",
    env,
  );
}
