/** The relay's own folder: where it is on each system, created private, moved once out of a roaming profile. */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, posix, resolve, win32 } from "node:path";
import { ownerOnlyAclCommands } from "../windows/icacls.js";
import { windowsUser, type CommandLine } from "../windows/command-line.js";

/** The folder the person ran the command from: npm's INIT_CWD under `npm start`, else the current one. */
export function invocationDirectory(env: NodeJS.ProcessEnv): string {
  return env.INIT_CWD || process.cwd();
}

/**
 * The relay's own folder, where its identity and paired devices live: `PASSERELLE_HOME` when set,
 * else `%LOCALAPPDATA%\Passerelle` (Windows: unlike `%APPDATA%`, it never roams to a school's server), `~/Library/Application Support/Passerelle` (macOS),
 * `$XDG_CONFIG_HOME/passerelle` or `~/.config/passerelle` (elsewhere).
 */
export function relayHome(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  // A relative folder means from where the command was typed (npm start runs in relay/; INIT_CWD is the origin).
  if (env.PASSERELLE_HOME) return resolve(invocationDirectory(env), env.PASSERELLE_HOME);
  if (platform === "win32") return win32.join(env.LOCALAPPDATA || win32.join(home, "AppData", "Local"), "Passerelle");
  if (platform === "darwin") return posix.join(home, "Library", "Application Support", "Passerelle");
  return posix.join(env.XDG_CONFIG_HOME || posix.join(home, ".config"), "passerelle");
}

/** Runs a command synchronously and quietly; false when it failed. */
export type SyncRunner = (command: CommandLine) => boolean;

const runQuietly: SyncRunner = (command) => {
  try {
    execFileSync(command.file, command.args, { stdio: "ignore", windowsHide: true, timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
};

/**
 * Creates the relay's folder, readable by its owner only: POSIX mode 0700, and on Windows (where
 * modes mean nothing) an ACL for the current user alone, set with `icacls` when the folder is created.
 */
export function ensureHome(
  path: string,
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  run: SyncRunner = runQuietly,
): void {
  const created = mkdirSync(path, { recursive: true, mode: 0o700 });
  const user = windowsUser(env);
  // Best effort: a profile folder is already private on most PCs; this covers shared and lab PCs.
  if (created !== undefined && platform === "win32" && user) ownerOnlyAclCommands(path, user, env).every(run);
}

/**
 * Moves a relay folder left in `%APPDATA%\Passerelle` by an earlier version to `%LOCALAPPDATA%`, once,
 * and says so in one line; undefined when there was nothing to move (or `PASSERELLE_HOME` is set).
 */
export function moveRoamingHome(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  run: SyncRunner = runQuietly,
): string | undefined {
  if (platform !== "win32" || env.PASSERELLE_HOME || !env.APPDATA) return undefined;
  // The host's own path functions: on Windows these are win32's, and a test on Linux can use real folders.
  const from = join(env.APPDATA, "Passerelle");
  const to = join(env.LOCALAPPDATA || join(homedir(), "AppData", "Local"), "Passerelle");
  if (from.toLowerCase() === to.toLowerCase() || !existsSync(from) || existsSync(to)) return undefined;
  mkdirSync(dirname(to), { recursive: true });
  try {
    renameSync(from, to);
  } catch {
    // A redirected AppData lives on another volume (a server share): copy, then remove.
    cpSync(from, to, { recursive: true, errorOnExist: true });
    try {
      rmSync(from, { recursive: true, force: true });
    } catch {
      // A file held by a sync tool: the copy is what the relay uses; the stale folder harms nothing.
    }
  }
  // The moved folder keeps the ACL it had: limit it as a new one would be.
  const user = windowsUser(env);
  if (user) ownerOnlyAclCommands(to, user, env).every(run);
  return `Moved the relay's folder from ${from} to ${to} (local to this PC: %APPDATA% roams to servers on school networks).`;
}

/**
 * An earlier `%APPDATA%\Passerelle` left beside the relay's folder in `%LOCALAPPDATA%` (both there: it was
 * never moved, or came back with a roaming profile). School networks copy that profile to their server, and
 * it holds an old relay key: its path, for the person to remove, or undefined.
 */
export function roamingHomeLeft(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  if (platform !== "win32" || env.PASSERELLE_HOME || !env.APPDATA) return undefined;
  const from = join(env.APPDATA, "Passerelle");
  const to = join(env.LOCALAPPDATA || join(homedir(), "AppData", "Local"), "Passerelle");
  return from.toLowerCase() !== to.toLowerCase() && existsSync(from) && existsSync(to) ? from : undefined;
}

/** What to say about a folder {@link roamingHomeLeft} found, ending with how to remove it (`how`). */
export function roamingHomeNotice(folder: string, how: string): string {
  return (
    `An older Passerelle folder is still in your roaming profile: ${folder}. School networks copy that ` +
    `profile to their server, and it holds an old relay key (relay-key.pem). The relay no longer uses it. ${how}`
  );
}
