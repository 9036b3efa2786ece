/** Windows command lines as argument lists: quoted for CreateProcess, shown as a person would paste them in PowerShell. */

export type CommandLine = { file: string; args: string[] };

/** Windows' own programs the relay runs. */
export type SystemTool = "netsh" | "schtasks" | "icacls" | "net" | "powershell" | "cmd";

/** Where Windows keeps its own programs: `%SystemRoot%\System32`. */
function system32(env: NodeJS.ProcessEnv): string {
  return `${(env.SystemRoot || env.SYSTEMROOT || env.windir || "C:\\Windows").replace(/\\+$/, "")}\\System32`;
}

/**
 * One of Windows' own programs by its absolute path. Named alone, a program is looked for in the current
 * folder first: a netsh.exe put beside passerelle.exe would run instead of Windows' own.
 */
export function systemTool(tool: SystemTool, env: NodeJS.ProcessEnv = process.env): string {
  const folder = system32(env);
  return tool === "powershell" ? `${folder}\\WindowsPowerShell\\v1.0\\powershell.exe` : `${folder}\\${tool}.exe`;
}

/** Quotes one argument for cmd.exe / CreateProcess, only when needed. */
export function quoteWindows(arg: string): string {
  if (arg !== "" && !/[\s"]/.test(arg)) return arg;
  return `"${arg.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, "$1$1")}"`;
}

/** The command line as CreateProcess receives it (what runs, for the record). */
export function display(command: CommandLine): string {
  return [command.file, ...command.args].map(quoteWindows).join(" ");
}

/** A PowerShell single-quoted string: nothing inside is expanded, a quote is doubled. */
export const psString = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** A script for Windows PowerShell 5.1 (what every Windows 10 and 11 has), without profile or prompts. */
export const powershell = (script: string, env: NodeJS.ProcessEnv = process.env): CommandLine => ({
  file: systemTool("powershell", env),
  args: ["-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-Command", script],
});

/** Characters PowerShell reads as themselves in an argument: anything else goes in single quotes. */
const PS_BARE = /^[\w.:\\/=%+-]+$/;

/**
 * A command as a person pastes it at a PowerShell prompt (Windows PowerShell 5.1 included, which Terminal
 * (Admin) opens): a PowerShell script as itself, never inside `powershell -Command "…"` where the prompt
 * would expand its `$_` first; Windows' own programs by name; any other program by its path after `&`;
 * each argument PowerShell would otherwise read (spaces, parentheses, commas, `$`) in single quotes.
 */
export function forPowerShell(command: CommandLine): string {
  const at = command.args.indexOf("-Command");
  if (/\\powershell\.exe$/i.test(command.file) && at !== -1) return command.args[at + 1] ?? "";
  const tool = /\\System32\\(\w+)\.exe$/i.exec(command.file)?.[1];
  const program = tool ?? `& ${psString(command.file)}`;
  return [program, ...command.args.map((arg) => (PS_BARE.test(arg) ? arg : psString(arg)))].join(" ");
}

/**
 * Starts a program in a console window of its own, minimised or not, as a double-click would: through
 * cmd's `start`, since a program started directly inherits (or, detached, loses) the starter's console.
 * The arguments are cmd's own line: run it with `windowsVerbatimArguments`.
 */
export function inNewWindow(program: string, args: string[], env: NodeJS.ProcessEnv = process.env): CommandLine {
  const line = [program, ...args].map(quoteWindows).join(" ");
  return { file: systemTool("cmd", env), args: ["/d", "/c", `start "Passerelle relay" ${line}`] };
}

/** The current Windows account as Task Scheduler and icacls name it (`DOMAIN\user`). */
export function windowsUser(env: NodeJS.ProcessEnv): string | undefined {
  if (!env.USERNAME) return undefined;
  return env.USERDOMAIN ? `${env.USERDOMAIN}\\${env.USERNAME}` : env.USERNAME;
}
