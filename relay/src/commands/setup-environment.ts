/** What `passerelle setup` touches on Windows (commands, files), gathered so that a test can stand in for the PC. */
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname } from "node:path";
import { invocationDirectory, relayHome } from "../state/home.js";
import { systemTool, type CommandLine } from "../windows/command-line.js";
import type { SetupTarget } from "../windows/netsh.js";
import { selfInvocation, typedProgram } from "./self-invocation.js";

/** Runs a Windows command; false when it failed (its output is not shown: it may be long and localised). */
export type Runner = (command: CommandLine) => Promise<boolean>;
/** Runs a Windows command and gives what it printed, or undefined when it failed. */
export type Reader = (command: CommandLine) => Promise<string | undefined>;

/** Runs a command without a window and without blocking the relay (a UAC prompt can stay open for minutes). */
export const runWindows: Runner = async (command) => (await readWindows(command)) !== undefined;

export const readWindows: Reader = (command) =>
  new Promise((resolve) =>
    execFile(command.file, command.args, { windowsHide: true, timeout: 300_000, encoding: "utf8" }, (error, out) =>
      resolve(error ? undefined : out),
    ),
  );

/** What setup touches, so a test can record it: the commands it runs and the files it reads and writes. */
export interface SetupEnvironment {
  platform: NodeJS.Platform;
  /** This program: passerelle.exe alone, or node.exe and the relay's script. */
  target: SetupTarget;
  run: Runner;
  read: Reader;
  /** `net session` succeeds only with administrator rights. */
  elevated: () => Promise<boolean>;
  env: NodeJS.ProcessEnv;
  /** Where the command was typed (npm gives it as INIT_CWD): the logon task starts there. */
  cwd: string;
  /** The relay's folder, where the logon task's options are kept (autostart.json). */
  home: string;
  /** How a person types this program at a prompt, for the commands setup prints. */
  typed: string;
  readFile(path: string): string | undefined;
  writeFile(path: string, data: Buffer | string): void;
  removeFile(path: string): void;
  /** Copies the program over `to`; a copy there, perhaps running, is moved aside first (Windows lets a running program be renamed, never replaced). */
  installFile(from: string, to: string): void;
  tempDir: string;
}

/** The setup environment of this process: the relay's own stable path, real commands and files. */
export function processSetupEnvironment(env: NodeJS.ProcessEnv, port: number): SetupEnvironment {
  const self = selfInvocation();
  return {
    platform: process.platform,
    target: { program: self.program, args: self.args, port },
    run: runWindows,
    read: readWindows,
    elevated: () => runWindows({ file: systemTool("net", env), args: ["session"] }),
    env,
    cwd: invocationDirectory(env),
    home: relayHome(env),
    typed: typedProgram(self, { cwd: process.cwd() }),
    readFile: (path) => (existsSync(path) ? readFileSync(path, "utf8") : undefined),
    writeFile: (path, data) => {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, data);
    },
    removeFile: (path) => rmSync(path, { force: true }),
    installFile,
    tempDir: tmpdir(),
  };
}

function installFile(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  if (existsSync(to)) {
    let aside = `${to}.old`;
    try {
      rmSync(aside, { force: true });
    } catch {
      aside = `${to}.${Date.now()}.old`; // the previous one still runs
    }
    renameSync(to, aside);
  }
  copyFileSync(from, to);
}
