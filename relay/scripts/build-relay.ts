import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The relay package's folder. */
export const relayDir = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Compiles the relay to `dist/`, as `npm run build -w relay` does, so tests and benches run what users run.
 * tsc still emits on type errors (`npm test` reports those); only a build without output is fatal here.
 */
export function buildRelay(): void {
  const tsc = join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin", "tsc");
  try {
    execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: relayDir, stdio: "pipe" });
  } catch (error) {
    if (!existsSync(join(relayDir, "dist", "cli.js"))) throw error;
  }
}
