import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, posix, win32 } from "node:path";

/**
 * The relay's own folder, where its identity and paired devices live: `PASSERELLE_HOME` when set,
 * else `%APPDATA%\Passerelle` (Windows), `~/Library/Application Support/Passerelle` (macOS),
 * `$XDG_CONFIG_HOME/passerelle` or `~/.config/passerelle` (elsewhere).
 */
export function relayHome(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (env.PASSERELLE_HOME) return env.PASSERELLE_HOME;
  if (platform === "win32") return win32.join(env.APPDATA || win32.join(home, "AppData", "Roaming"), "Passerelle");
  if (platform === "darwin") return posix.join(home, "Library", "Application Support", "Passerelle");
  return posix.join(env.XDG_CONFIG_HOME || posix.join(home, ".config"), "passerelle");
}

/** Creates the relay's folder, readable by its owner only. */
export function ensureHome(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
}

/** Writes a file readable by its owner only, replacing any previous one in one step (write, then rename). */
export function writePrivateFile(path: string, data: string): void {
  ensureHome(dirname(path));
  const temporary = join(dirname(path), `.${process.pid}.${Date.now()}.tmp`);
  writeFileSync(temporary, data, { mode: 0o600 });
  renameSync(temporary, path);
}
