/** How this program is started again (firewall rule, UAC prompt, logon task): the exe, or node and its script. */
import { isSea } from "node:sea";
import { resolve } from "node:path";

/** How to start this same relay again (for the firewall rule, the UAC prompt, the logon task). */
export interface SelfInvocation {
  /** The program Windows sees running: passerelle.exe when packaged, else node.exe. */
  program: string;
  /** Arguments before the relay's own: the script under node, none for the packaged program. */
  args: string[];
  /** How a person types it in a terminal, for hints: `passerelle.exe` or `npx passerelle`. */
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
): SelfInvocation {
  if (packaged || !script) return { program: execPath, args: [], typed: execPath.split(/[\\/]/).pop()! };
  return { program: execPath, args: [resolve(script)], typed: "npx passerelle" };
}
