import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  openSync,
  closeSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { basename, join, resolve } from "node:path";
import { buildDir, shippedNode, singleExecutable } from "../../scripts/package-windows.ts";

/** The Wine prefix of this leg, made on first use: a Windows 10 with one user, under `.build/`. */
export const winePrefix = join(buildDir, "wine-prefix");

/** The environment every Wine command of the leg runs with. */
export function wineEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, WINEPREFIX: winePrefix, WINEDEBUG: "-all", ...extra };
  // The relay must find its folder the way it does on a PC: from Windows' own profile, nothing inherited.
  for (const name of ["PASSERELLE_HOME", "APPDATA", "LOCALAPPDATA", "USERPROFILE", "XDG_CONFIG_HOME", "NODE_OPTIONS"]) {
    if (!(name in extra)) delete env[name];
  }
  return env;
}

/** True when `wine` can be run on this machine. */
export function wineInstalled(): boolean {
  try {
    execFileSync("wine", ["--version"], { stdio: "ignore", env: wineEnv() });
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes the prefix when it is missing (Windows 10: Wine's default, Windows 7, makes node.exe refuse to start)
 * and stops any Wine server of this prefix left from an earlier run: Wine creates sockets in its server, so the
 * server must live in this test's network namespace. Returns how long it took, in ms.
 */
export function preparePrefix(): number {
  const started = performance.now();
  stopWine();
  if (!existsSync(join(winePrefix, "system.reg")) || !windowsUser()) {
    mkdirSync(winePrefix, { recursive: true });
    execFileSync("wineboot", ["--init"], { env: wineEnv(), stdio: "ignore", timeout: 180_000 });
    execFileSync("wine", ["winecfg", "-v", "win10"], { env: wineEnv(), stdio: "ignore", timeout: 60_000 });
  }
  return performance.now() - started;
}

/** Ends this prefix's Wine server (and so every Windows program still running in it). */
export function stopWine(): void {
  try {
    execFileSync("wineserver", ["-k"], { env: wineEnv(), stdio: "ignore" });
  } catch {
    // none was running
  }
}

/**
 * The Windows processes of `program` (its file name: node.exe, passerelle.exe) running in this prefix: a relay
 * with workers is several. Wine runs each as a Linux process named by its Windows command line, with this
 * prefix in its environment (Wine's own `tasklist` prints nothing, and `wmic` may hang on a large program).
 */
export function windowsProcesses(program: string): number[] {
  const name = basename(program.replaceAll("\\", "/")).toLowerCase();
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const first = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0")[0]!;
      if (basename(first.replaceAll("\\", "/")).toLowerCase() !== name) continue;
      const environment = readFileSync(`/proc/${entry}/environ`, "utf8").split("\0");
      if (environment.includes(`WINEPREFIX=${winePrefix}`)) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** The Windows user's profile folder inside the prefix (`drive_c/users/<name>`). */
export function windowsUser(): string | undefined {
  const users = join(winePrefix, "drive_c", "users");
  if (!existsSync(users)) return undefined;
  const name = readdirSync(users).find((entry) => entry !== "Public");
  return name && join(users, name);
}

/** How a Windows program under Wine names a file of this machine (Wine's Z: drive is `/`). */
export function windowsPath(path: string): string {
  return "Z:" + resolve(path).replaceAll("/", "\\");
}

/** A Windows program running under Wine; stdout and stderr go to files (node.exe fails on a pipe there). */
export interface WineProcess {
  stdout(): string;
  stderr(): string;
  /** Resolves with the Windows exit code. */
  exited: Promise<number | null>;
  /** Resolves with the first match of `pattern` in stdout; rejects after `timeoutMs` or at exit. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  kill(): void;
}

/** Starts `program args` under Wine in `cwd`, its output kept in `outDir/<name>.out` and `.err`. */
export function startWine(
  program: string,
  args: string[],
  options: { cwd: string; outDir: string; name: string; env?: Record<string, string> },
): WineProcess {
  const outFile = join(options.outDir, `${options.name}.out`);
  const errFile = join(options.outDir, `${options.name}.err`);
  const out = openSync(outFile, "w");
  const err = openSync(errFile, "w");
  const child = spawn("wine", [program, ...args], {
    cwd: options.cwd,
    env: wineEnv(options.env),
    stdio: ["ignore", out, err],
  });
  closeSync(out);
  closeSync(err);
  let ended = false;
  const exited = new Promise<number | null>((done) =>
    child.once("exit", (code) => {
      ended = true;
      done(code);
    }),
  );
  const read = (file: string) => (existsSync(file) ? readFileSync(file, "utf8") : "");
  return {
    stdout: () => read(outFile),
    stderr: () => read(errFile),
    exited,
    kill: () => void child.kill("SIGKILL"),
    waitFor: (pattern, timeoutMs) =>
      new Promise((found, fail) => {
        const deadline = Date.now() + timeoutMs;
        const look = () => {
          const match = pattern.exec(read(outFile));
          if (match) return found(match);
          if (ended || Date.now() > deadline) {
            return fail(
              new Error(
                `${options.name}: no ${pattern} ${ended ? "before it ended" : `within ${timeoutMs} ms`}.\nstdout:\n${read(outFile)}\nstderr:\n${read(errFile)}`,
              ),
            );
          }
          setTimeout(look, 100);
        };
        look();
      }),
  };
}

/** The stand-ins for Windows' own programs (windows-tools.cjs as one Windows program), rebuilt when the script changes. */
export const windowsTools = join(buildDir, "windows", "windows-tools.exe");

/** Builds {@link windowsTools} unless it is there for this script and Node.js; true when it built. */
export async function buildWindowsTools(): Promise<boolean> {
  const script = join(import.meta.dirname, "windows-tools.cjs");
  const stamp = `${windowsTools}.sha256`;
  const wanted = createHash("sha256").update(readFileSync(script)).update(shippedNode().version).digest("hex");
  if (existsSync(windowsTools) && existsSync(stamp) && readFileSync(stamp, "utf8") === wanted) return false;
  mkdirSync(join(buildDir, "windows"), { recursive: true });
  await singleExecutable(script, windowsTools);
  writeFileSync(stamp, wanted);
  return true;
}

/** Windows' own programs the relay runs, as paths in the prefix's C:\windows\system32. */
const SYSTEM_TOOLS = ["netsh.exe", "schtasks.exe", "net.exe", "icacls.exe", "WindowsPowerShell/v1.0/powershell.exe"];

/** Wine runs the stand-ins in the prefix's system32 instead of its own builtin programs of these names. */
export const TOOLS_OVERRIDES = "netsh.exe,schtasks.exe,net.exe,icacls.exe,powershell.exe=n";

/**
 * Puts the stand-ins in place of Wine's own netsh, schtasks, net, icacls and powershell (Wine's do nothing
 * useful), keeping those aside; returns the function that puts them back.
 */
export function installWindowsTools(): () => void {
  const system32 = join(winePrefix, "drive_c", "windows", "system32");
  for (const tool of SYSTEM_TOOLS) {
    const path = join(system32, tool);
    if (existsSync(path) && !existsSync(`${path}.wine`)) renameSync(path, `${path}.wine`);
    rmSync(path, { force: true });
    try {
      linkSync(windowsTools, path);
    } catch {
      copyFileSync(windowsTools, path);
    }
  }
  return () => {
    for (const tool of SYSTEM_TOOLS) {
      const path = join(system32, tool);
      rmSync(path, { force: true });
      if (existsSync(`${path}.wine`)) renameSync(`${path}.wine`, path);
    }
  };
}

/** What the stand-ins recorded: one entry per run of Windows' own programs (or of a program played by them). */
export interface ToolRun {
  tool: string;
  path: string;
  args: string[];
  elevated: boolean;
  /** schtasks /Create: the task's XML. */
  xml?: string;
}

export function toolRuns(log: string): ToolRun[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ToolRun);
}
