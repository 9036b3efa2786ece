/**
 * `npm run test:windows`: builds passerelle.exe and the relay, then runs the Windows leg (relay-on-wine.leg.ts)
 * under Wine inside a network namespace of its own, where the relay, its fake OpenAI and the test's client
 * meet on loopback, and a "Wi-Fi" (a veth pair, 10.77.0.1/24) carries the relay's mDNS to the test and nobody else.
 *
 * Without Wine (or off Linux) a developer's run says why it skipped and passes; under CI on Linux, it fails.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { buildRelay, relayDir } from "../../scripts/build-relay.ts";
import { buildDir, packageWindows } from "../../scripts/package-windows.ts";
import { buildWindowsTools, wineInstalled } from "../support/wine.ts";

const ci = /^(1|true)$/i.test(process.env.CI ?? "");
const say = (line: string) => process.stdout.write(`Windows leg: ${line}\n`);

function missing(what: string, install: string): never {
  if (ci) {
    process.stderr.write(`Windows leg: ${what}, and CI runs this leg on Linux: ${install}\n`);
    process.exit(1);
  }
  say(`skipped: ${what} (${install}).`);
  process.exit(0);
}

function found(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

if (process.platform !== "linux") {
  // Windows runs the relay's own tests natively; Wine and network namespaces are Linux's.
  say(`skipped: it runs on Linux (with Wine); this is ${process.platform}.`);
  process.exit(0);
}
if (!wineInstalled()) missing("Wine not installed", "apt-get install -y wine wine64");
if (!found("unshare", ["--version"]) || !found("ip", ["-V"])) {
  missing("unshare or ip missing", "apt-get install -y util-linux iproute2");
}
// As root, a network namespace is one unshare away; otherwise a user namespace maps this user to root in it.
const namespace = process.getuid?.() === 0 ? ["--net"] : ["--net", "--map-root-user"];
if (!found("unshare", [...namespace, "true"])) missing("no network namespace allowed here", "run it as root");

const started = performance.now();
buildRelay();
const built = await packageWindows(say);
say(`passerelle.exe built in ${((performance.now() - started) / 1000).toFixed(1)} s (Node.js ${built.nodeVersion})`);
say(`stand-ins for Windows' own programs: ${(await buildWindowsTools()) ? "built" : "up to date"}`);

const results = join(buildDir, "windows", "leg-results.json");
rmSync(results, { force: true });
const vitest = join(createRequire(import.meta.url).resolve("vitest/package.json"), "..", "vitest.mjs");
/** Loopback, and a LAN the PC's address and mDNS go out on (multicast needs a route). */
const NAMESPACE_NETWORK = [
  "ip link set lo up",
  "ip link add lan0 type veth peer name lan1",
  "ip addr add 10.77.0.1/24 dev lan0",
  "ip link set lan0 up multicast on",
  "ip link set lan1 up multicast on",
  "ip route add 224.0.0.0/4 dev lan0",
].join(" && ");
const run = spawnSync(
  "unshare",
  [
    ...namespace,
    "sh",
    "-c",
    `${NAMESPACE_NETWORK} && exec "$@"`,
    "sh",
    process.execPath,
    vitest,
    "run",
    "--config",
    join("test", "windows", "vitest.config.ts"),
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${results}`,
  ],
  { cwd: relayDir, stdio: "inherit", env: { ...process.env, PASSERELLE_WINE_NETNS: "1" } },
);
say(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
// The plain closing line CI reads, whatever the runner: vitest's own summary is not one of those it knows.
const counts = existsSync(results)
  ? (JSON.parse(readFileSync(results, "utf8")) as { numPassedTests: number; numFailedTests: number })
  : { numPassedTests: 0, numFailedTests: 1 };
process.stdout.write(`Windows: ${counts.numPassedTests} passed, ${counts.numFailedTests} failed\n`);
process.exit(run.status ?? 1);
