/** passerelle.exe installed where it stays (`%LOCALAPPDATA%\Programs\Passerelle`), so that the firewall rule and the logon task keep pointing at it. */
import { win32 } from "node:path";
import { version } from "../version.js";
import type { SetupTarget } from "../windows/netsh.js";
import type { CommandIO } from "./io.js";
import { typedProgram } from "./self-invocation.js";
import type { SetupEnvironment } from "./setup-environment.js";

/** Where passerelle.exe is installed for this user: where per-user programs go, never roaming, no administrator needed. */
export function installedProgramPath(env: NodeJS.ProcessEnv): string {
  const local = env.LOCALAPPDATA || win32.join(env.USERPROFILE || "C:\\Users\\Default", "AppData", "Local");
  return win32.join(local, "Programs", "Passerelle", "passerelle.exe");
}

/** Whether two Windows paths name the same file (Windows ignores case). */
export const samePath = (a: string, b: string) => win32.resolve(a).toLowerCase() === win32.resolve(b).toLowerCase();

/** Orders two versions (`0.1.0`, `0.10.2`) by their numbers: negative when `a` is older. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.split(/[.-]/).map((part) => Number.parseInt(part, 10) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const difference = (x[i] ?? 0) - (y[i] ?? 0);
    if (difference) return difference;
  }
  return 0;
}

/**
 * The program setup points the firewall rule and the logon task at. For passerelle.exe, the installed
 * copy: this one is copied there when none is there or the one there is older (it is asked its
 * `--version`); a newer one there is kept. node.exe running the source stays as it is. Undefined when
 * the copy failed, said in words.
 */
export async function installProgram(
  target: SetupTarget,
  io: CommandIO,
  environment: SetupEnvironment,
): Promise<SetupTarget | undefined> {
  if (target.args.length > 0) return target;
  const installed = installedProgramPath(environment.env);
  if (samePath(target.program, installed)) return target;
  const there = (await environment.read({ file: installed, args: ["--version"] }))?.trim();
  if (there && compareVersions(there, version) > 0) {
    io.out(`A newer Passerelle (${there}) is installed at ${installed}: setup uses it.\n`);
    return { ...target, program: installed };
  }
  if (there && compareVersions(there, version) === 0) return { ...target, program: installed };
  try {
    environment.installFile(target.program, installed);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    io.err(`Could not install Passerelle at ${installed} (${code}); nothing was changed.\n`);
    return undefined;
  }
  io.out(
    `Installed Passerelle ${version} at ${installed}: the firewall rule and the logon task start it ` +
      `from there, wherever this copy goes. From now on, start it as ${typedProgram({ program: installed, args: [] }, { platform: "win32" })}\n`,
  );
  return { ...target, program: installed };
}
