/** Windows command lines as argument lists: quoted for CreateProcess, shown as a person would paste them. */

export type CommandLine = { file: string; args: string[] };

/** Quotes one argument for cmd.exe / CreateProcess, only when needed. */
export function quoteWindows(arg: string): string {
  if (arg !== "" && !/[\s"]/.test(arg)) return arg;
  return `"${arg.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, "$1$1")}"`;
}

/** One command line as a person would paste it in an administrator terminal. */
export function display(command: CommandLine): string {
  return [command.file, ...command.args].map(quoteWindows).join(" ");
}

/** A PowerShell single-quoted string: nothing inside is expanded, a quote is doubled. */
export const psString = (text: string) => `'${text.replace(/'/g, "''")}'`;

export const powershell = (script: string): CommandLine => ({
  file: "powershell.exe",
  args: ["-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-Command", script],
});

/** The current Windows account as Task Scheduler and icacls name it (`DOMAIN\user`). */
export function windowsUser(env: NodeJS.ProcessEnv): string | undefined {
  if (!env.USERNAME) return undefined;
  return env.USERDOMAIN ? `${env.USERDOMAIN}\\${env.USERNAME}` : env.USERNAME;
}
