import { runSubcommand } from "../../src/commands/dispatch.js";

/** What a `passerelle <command>` run said, and its exit code. */
export interface CommandRun {
  code: number;
  out: string;
  err: string;
}

/** Runs `passerelle <argv…>` in this process against the relay's folder `home`, capturing what it prints. */
export async function runCommand(home: string, ...argv: string[]): Promise<CommandRun> {
  let out = "";
  let err = "";
  const io = {
    env: { PASSERELLE_HOME: home },
    out: (text: string) => void (out += text),
    err: (text: string) => void (err += text),
  };
  const code = await runSubcommand(argv, io);
  return { code, out, err };
}
