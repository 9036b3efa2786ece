/** How this program is started again (firewall rule, UAC prompt, logon task) and how a person types it at a prompt. */
import { isSea } from "node:sea";
import { resolve, win32 } from "node:path";

/** How to start this same relay again (for the firewall rule, the UAC prompt, the logon task). */
export interface SelfInvocation {
  /** The program Windows sees running: passerelle.exe when packaged, else node.exe. */
  program: string;
  /** Arguments before the relay's own: the script under node, none for the packaged program. */
  args: string[];
  /** How a person types it at a prompt anywhere, for the hints of the relay's window (see {@link typedProgram}). */
  typed: string;
}

/**
 * The relay's stable path: `process.execPath` alone for the single-file program, else node plus the
 * absolute path of the script node was given (never a name for npx to look up).
 */
export function selfInvocation(
  packaged: boolean = isSea(),
  execPath: string = process.execPath,
  script: string | undefined = process.argv[1],
  platform: NodeJS.Platform = process.platform,
): SelfInvocation {
  const self = packaged || !script ? { program: execPath, args: [] } : { program: execPath, args: [resolve(script)] };
  return { ...self, typed: typedProgram(self, { platform }) };
}

/** What PowerShell reads as a plain word: a path without spaces, quotes, parentheses or `$`. */
const PLAIN = /^[\w.:\\/-]+$/;

/**
 * How a person types this program at a prompt, for the commands the relay prints: from the source,
 * `npx passerelle` (`npx.cmd passerelle` on Windows, since a fresh PC's execution policy keeps PowerShell
 * from running npx.ps1); passerelle.exe as `.\passerelle.exe` in its own folder (PowerShell never looks in
 * the current folder), else by its full path, after `&` in quotes when it holds a space (Terminal's
 * PowerShell 5.1). Without `cwd` (the relay's own window: the person types in another terminal), the full path.
 */
export function typedProgram(
  self: { program: string; args: string[] },
  options: { platform?: NodeJS.Platform; cwd?: string | undefined } = {},
): string {
  const windows = (options.platform ?? process.platform) === "win32";
  if (self.args.length > 0) return windows ? "npx.cmd passerelle" : "npx passerelle";
  if (!windows) return self.program;
  const name = win32.basename(self.program);
  if (options.cwd && win32.dirname(self.program).toLowerCase() === win32.resolve(options.cwd).toLowerCase()) {
    return `.\\${name}`;
  }
  return PLAIN.test(self.program) ? self.program : `& '${self.program.replace(/'/g, "''")}'`;
}
