/**
 * A Windows PC as `passerelle setup` meets it, for tests on any system: the relay's own code runs, and every
 * command it gives Windows is recorded as CreateProcess would receive it, then answered the way Windows
 * answers it: firewall rules added and checked by program path, the UAC prompt running the program elevated
 * (accepted, or cancelled), Task Scheduler taking the task's XML (or refusing), PowerShell naming the
 * Startup folder, programs answering `--version`. Files live in a map.
 */
import { win32 } from "node:path";
import type { CommandIO } from "../../src/commands/io.js";
import { runSetup } from "../../src/commands/setup.js";
import type { SetupEnvironment } from "../../src/commands/setup-environment.js";
import { display, type CommandLine } from "../../src/windows/command-line.js";
import { version } from "../../src/version.js";

export const SYSTEM32 = "C:\\Windows\\System32";

export interface FakePcOptions {
  /** This program: passerelle.exe somewhere, or node.exe with the relay's script. */
  target: { program: string; args: string[]; port: number };
  /** Whether this terminal already runs with administrator rights. */
  elevated?: boolean;
  /** Whether the UAC prompt is accepted (the default) or cancelled. */
  uac?: "accepted" | "cancelled";
  /** Command lines Windows refuses (matched against what CreateProcess receives). */
  refuse?: RegExp;
  /** The Startup folder Windows names (a school domain may redirect it). */
  startupFolder?: string;
  env?: NodeJS.ProcessEnv;
  /** Programs already on the PC, by path, with the version they answer. */
  programs?: Record<string, string>;
  /** Firewall rules already there. */
  rules?: Array<{ name: string; program: string }>;
}

export interface FakePc {
  environment: SetupEnvironment;
  /** Every command line run, as CreateProcess received it, elevated ones included. */
  ran: string[];
  files: Map<string, Buffer | string>;
  removed: string[];
  rules: Array<{ name: string; program: string }>;
  /** The logon task's XML as Task Scheduler took it, when one was registered. */
  task(): string | undefined;
  programs: Map<string, string>;
}

const unquote = (text: string) => text.replace(/^'(.*)'$/s, "$1").replace(/''/g, "'");

export function fakePc(options: FakePcOptions): FakePc {
  const env: NodeJS.ProcessEnv = options.env ?? {
    USERNAME: "lea",
    USERDOMAIN: "PC-12",
    APPDATA: "C:\\Users\\Léa\\AppData\\Roaming",
    LOCALAPPDATA: "C:\\Users\\Léa\\AppData\\Local",
    SystemRoot: "C:\\Windows",
  };
  const ran: string[] = [];
  const files = new Map<string, Buffer | string>();
  const removed: string[] = [];
  const rules = [...(options.rules ?? [])];
  const programs = new Map(Object.entries(options.programs ?? {}));
  programs.set(options.target.program, version);
  let task: string | undefined;
  const key = (path: string) => path.toLowerCase();

  /** What Windows prints for a command and whether it succeeded. */
  async function answer(command: CommandLine, elevated: boolean): Promise<string | undefined> {
    const line = display(command);
    ran.push(line);
    if (options.refuse?.test(line)) return undefined;
    const tool = win32.basename(command.file).toLowerCase();
    if (!command.file.startsWith(SYSTEM32)) {
      // Any other program: one the PC has answers --version.
      const there = programs.get(command.file) ?? programs.get(key(command.file));
      return there && command.args[0] === "--version" ? `${there}\n` : undefined;
    }
    if (tool === "net.exe") return elevated ? "" : undefined;
    if (tool === "schtasks.exe") return schtasks(command.args);
    if (tool === "netsh.exe") return netsh(command.args, elevated);
    if (tool === "icacls.exe") return "";
    if (tool === "powershell.exe") return powershell(command.args.at(-1)!, elevated);
    return undefined;
  }

  function schtasks(args: string[]): string | undefined {
    if (args[0] === "/Create") {
      const xml = files.get(args[args.indexOf("/XML") + 1]!) as Buffer;
      task = xml.subarray(2).toString("utf16le");
      return "";
    }
    if (args[0] === "/Delete") {
      const had = task !== undefined;
      task = undefined;
      return had ? "" : undefined;
    }
    return undefined;
  }

  function netsh(args: string[], elevated: boolean): string | undefined {
    const name = args.find((a) => a.startsWith("name="))?.slice(5);
    const program = args.find((a) => a.startsWith("program="))?.slice(8);
    if (args[2] === "add" && name && program && elevated) return (void rules.push({ name, program }), "");
    if (args[2] === "delete" && name && elevated) {
      const before = rules.length;
      rules.splice(0, rules.length, ...rules.filter((r) => r.name !== name));
      return before > rules.length ? "" : undefined;
    }
    return undefined;
  }

  async function powershell(script: string, elevated: boolean): Promise<string | undefined> {
    if (script.includes("GetFolderPath('Startup')")) {
      return `${options.startupFolder ?? "C:\\Users\\Léa\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup"}\r\n`;
    }
    if (script.includes("-Action Block")) return elevated ? "" : undefined;
    const check = /-DisplayName ('(?:[^']|'')*').*-eq ('(?:[^']|'')*')/.exec(script);
    if (check) {
      const [name, program] = [unquote(check[1]!), unquote(check[2]!)];
      return rules.some((r) => r.name === name && key(r.program) === key(program)) ? "" : undefined;
    }
    const uac = /Start-Process -FilePath ('(?:[^']|'')*') -ArgumentList ('(?:[^']|'')*') -Verb RunAs/.exec(script);
    if (uac) {
      if (options.uac === "cancelled") return undefined;
      // Accepted: the program runs elevated, as itself.
      const program = unquote(uac[1]!);
      const args = unquote(uac[2]!).split(" ");
      const setupAt = args.indexOf("setup");
      const elevatedPc = { ...environment, target: { ...options.target, program, args: args.slice(0, setupAt) } };
      elevatedPc.elevated = async () => true;
      elevatedPc.run = async (command) => (await answer(command, true)) !== undefined;
      elevatedPc.read = (command) => answer(command, true);
      const quiet: CommandIO = { env, out: () => undefined, err: () => undefined };
      return (await runSetup(args.slice(setupAt + 1), quiet, elevatedPc)) === 0 ? "" : undefined;
    }
    return "";
  }

  const environment: SetupEnvironment = {
    platform: "win32",
    target: options.target,
    run: async (command) => (await answer(command, options.elevated ?? false)) !== undefined,
    read: (command) => answer(command, options.elevated ?? false),
    elevated: async () =>
      (await answer({ file: `${SYSTEM32}\\net.exe`, args: ["session"] }, options.elevated ?? false)) !== undefined,
    env,
    cwd: "C:\\Users\\Léa\\Documents",
    home: "C:\\Users\\Léa\\AppData\\Local\\Passerelle",
    typed: "& 'C:\\Users\\Léa\\AppData\\Local\\Programs\\Passerelle\\passerelle.exe'",
    readFile: (path) => {
      const data = files.get(path);
      return data === undefined ? undefined : data.toString();
    },
    writeFile: (path, data) => void files.set(path, data),
    removeFile: (path) => {
      removed.push(path);
      files.delete(path);
    },
    installFile: (from, to) => {
      programs.set(to, programs.get(from) ?? version);
      files.set(to, `copy of ${from}`);
    },
    tempDir: "C:\\Temp",
  };
  return { environment, ran, files, removed, rules, task: () => task, programs };
}
