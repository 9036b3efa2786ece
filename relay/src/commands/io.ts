/** What a subcommand is: its arguments, its environment and output streams, and how it reads its options. */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { wrapText } from "../console/wrap.js";
import { selfInvocation, typedProgram } from "./self-invocation.js";

/** What a subcommand may touch: its environment and two output streams (tests pass their own). */
export interface CommandIO {
  env: NodeJS.ProcessEnv;
  out(text: string): void;
  err(text: string): void;
  /** How the person types this program at this prompt, for the commands printed (`passerelle` when unknown). */
  typed?: string;
}

export const processIO: CommandIO = {
  env: process.env,
  out: (text) => void process.stdout.write(wrapText(text)),
  err: (text) => void process.stderr.write(wrapText(text)),
  get typed() {
    return typedProgram(selfInvocation(), { cwd: process.cwd() });
  },
};

/** How the person types this program at the prompt `io` writes to. */
export const typedIn = (io: CommandIO) => io.typed ?? "passerelle";

/** A subcommand: its arguments after the name; resolves with the exit code. */
export type Command = (args: string[], io: CommandIO) => Promise<number>;

type ArgsConfig = Omit<ParseArgsConfig, "args" | "strict">;

/** A command's options and positionals, as `parseArgs` reads them. */
export type CommandArgs<T extends ArgsConfig> = ReturnType<typeof parseArgs<T & { args: string[]; strict: true }>>;

/**
 * Reads a command's arguments strictly (an unknown or mistyped option is a mistake, never ignored). On a
 * mistake, says what it was and how the command is used, and returns undefined: the command then exits 2.
 */
export function commandArgs<T extends ArgsConfig>(
  command: string,
  usage: string,
  args: string[],
  config: T,
  io: CommandIO,
): CommandArgs<T> | undefined {
  try {
    return parseArgs({ ...config, args, strict: true });
  } catch (error) {
    io.err(`passerelle ${command}: ${(error as Error).message.split("\n")[0]}\nUsage: ${typedIn(io)} ${usage}\n`);
    return undefined;
  }
}
