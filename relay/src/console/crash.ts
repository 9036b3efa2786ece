/**
 * The relay's last words. An error's message or stack can quote a request (a header, a key), so a
 * crash prints the error's name and code only, then exits.
 */
export function crashLine(error: unknown): string {
  const name = error instanceof Error ? error.name : typeof error;
  const code = (error as { code?: unknown } | null)?.code;
  const shownCode = typeof code === "string" && /^[A-Z0-9_]{1,40}$/.test(code) ? ` ${code}` : "";
  return `passerelle: stopped by an unexpected error (${name.slice(0, 60)}${shownCode}). Please restart the relay; if it happens again, run it with --verbose and report what it printed.`;
}

/** Makes an uncaught exception or unhandled rejection print {@link crashLine} and exit with status 70. */
export function installCrashHandlers(
  write: (line: string) => void = (line) => process.stderr.write(line + "\n"),
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  const crash = (error: unknown) => {
    write(crashLine(error));
    exit(70);
  };
  process.on("uncaughtException", crash);
  process.on("unhandledRejection", crash);
}
