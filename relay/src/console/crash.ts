/** The relay's last words: what an error nobody caught prints before the relay exits. */
import { errorDetail } from "../errors.js";

/** An error's message or stack can quote a request (a header, a key): a crash names the error and its code only. */
export function crashLine(error: unknown): string {
  return `passerelle: stopped by an unexpected error (${errorDetail(error)}). Please restart the relay; if it happens again, run it with --verbose and report what it printed.`;
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
