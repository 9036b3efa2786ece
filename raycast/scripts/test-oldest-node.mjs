// Runs the extension's tests on Node 22.14.0, the oldest Node that Raycast documents for extensions, so that a
// dependency needing newer Node fails here and not in a user's Raycast. The binary comes from the workspace's dev
// dependency `node-22-14` (the npm package `node@22.14.0`, installed by `npm ci` on Linux, macOS and Windows).
// Arguments are passed on to `vitest run`.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const WANTED = "v22.14.0";
const extensionDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(extensionDir, "package.json"));

function oldestNode() {
  const packageDir = dirname(require.resolve("node-22-14/package.json"));
  // The package's install script links the platform's binary here (node.exe on Windows).
  const binary = join(packageDir, "bin", process.platform === "win32" ? "node.exe" : "node");
  if (!existsSync(binary)) throw new Error(`${binary} is missing: run npm ci at the repository's root.`);
  return binary;
}

const node = oldestNode();
const version = spawnSync(node, ["--version"], { encoding: "utf8" }).stdout.trim();
if (version !== WANTED) {
  console.error(`test-oldest-node: ${node} is ${version || "not runnable"}, not ${WANTED}.`);
  process.exit(1);
}
const vitest = join(dirname(require.resolve("vitest/package.json")), "vitest.mjs");
console.log(`Extension tests on Node ${version}`);
const run = spawnSync(node, [vitest, "run", ...process.argv.slice(2)], { cwd: extensionDir, stdio: "inherit" });
process.exit(run.status ?? 1);
