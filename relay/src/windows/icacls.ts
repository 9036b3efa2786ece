/** Folder permissions (icacls): the relay's folder readable by its owner only. */
import { systemTool, type CommandLine } from "./command-line.js";

/**
 * Limits a folder to its owner: full control granted to `user` for the folder and everything created in
 * it, then the inherited entries (Users, a shared PC's other accounts) removed. Two steps, in that order,
 * so that a grant that fails (an unknown account name) never leaves a folder nobody can open.
 */
export function ownerOnlyAclCommands(
  folder: string,
  user: string,
  env: NodeJS.ProcessEnv = process.env,
): CommandLine[] {
  const icacls = systemTool("icacls", env);
  return [
    { file: icacls, args: [folder, "/grant:r", `${user}:(OI)(CI)F`] },
    { file: icacls, args: [folder, "/inheritance:r"] },
  ];
}
