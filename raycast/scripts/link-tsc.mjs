// `ray build` and `ray develop` look for ./node_modules/.bin/tsc inside the extension folder,
// but npm workspaces hoist typescript to the root. Link the hoisted compiler here.
import { createRequire } from "node:module";
import { existsSync, lstatSync, mkdirSync, readlinkSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const extensionDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const binDir = join(extensionDir, "node_modules", ".bin");
const link = join(binDir, "tsc");

function main() {
  let target;
  try {
    const require = createRequire(join(extensionDir, "package.json"));
    target = join(dirname(require.resolve("typescript/package.json")), "bin", "tsc");
  } catch {
    console.log("link-tsc: typescript is not installed; skipping (ray build needs it).");
    return;
  }
  if (!existsSync(target)) {
    console.log(`link-tsc: ${target} is missing; skipping.`);
    return;
  }
  if (target === link) return; // typescript installed inside the extension: nothing to do
  mkdirSync(binDir, { recursive: true });
  const wanted = relative(binDir, target);
  try {
    if (lstatSync(link).isSymbolicLink() && readlinkSync(link) === wanted) return;
    unlinkSync(link);
  } catch {
    // no link yet
  }
  try {
    symlinkSync(wanted, link);
  } catch {
    // Where symlinks are not allowed (some Windows setups), write a small launcher instead.
    writeFileSync(link, `#!/usr/bin/env node\nrequire(${JSON.stringify(target)});\n`, { mode: 0o755 });
  }
  console.log(`link-tsc: node_modules/.bin/tsc -> ${wanted}`);
}

main();
