/** What a subcommand may touch: its environment and two output streams (tests pass their own). */
export interface CommandIO {
  env: NodeJS.ProcessEnv;
  out(text: string): void;
  err(text: string): void;
}

export const processIO: CommandIO = {
  env: process.env,
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

/** A subcommand: its arguments after the name; resolves with the exit code. */
export type Command = (args: string[], io: CommandIO) => Promise<number>;
