/** The relay's entry: `passerelle [options]` runs the relay in its window; `passerelle <command>` runs a command. */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { isSea } from "node:sea";
import { ConfigError, OPTIONS_HELP, loadConfig, type RelayConfig } from "./config.js";
import { errorDetail } from "./errors.js";
import { isSubcommand, runSubcommand, subcommandsHelp } from "./commands/dispatch.js";
import { processSetupEnvironment } from "./commands/setup-environment.js";
import { installCrashHandlers } from "./console/crash.js";
import { currentNetworks } from "./network/addresses.js";
import { startBanner } from "./console/banner.js";
import { startExtras, type RelayExtras } from "./console/extras.js";
import { lineLogger } from "./http/request-log.js";
import { damageNotice } from "./state/devices.js";
import { moveRoamingHome } from "./state/home.js";
import type { Relay } from "./http/server.js";
import { selfInvocation, typedProgram } from "./commands/self-invocation.js";
import { createShutdown, onStopSignals } from "./console/shutdown.js";
import { version } from "./version.js";
import { wrapText } from "./console/wrap.js";
import { inNewWindow } from "./windows/command-line.js";

/** `--help`, with the program's name as the person types it at this prompt. */
function help(): string {
  const typed = typedProgram(selfInvocation(), { cwd: process.cwd() });
  return `Passerelle relay ${version}: the OpenAI API for the Macs on this network, with the key each
Mac sends.

Usage: ${typed} [options]
       ${typed} <command> [options]

Options (each also an environment variable):
${OPTIONS_HELP}
  --help, --version

${subcommandsHelp(typed)}`;
}

async function main(argv: string[]): Promise<void> {
  if (isSubcommand(argv[0])) return void (process.exitCode = await runSubcommand(argv));
  if (argv.includes("--help") || argv.includes("-h")) return void process.stdout.write(help());
  if (argv.includes("--version")) return void process.stdout.write(version + "\n");

  installCrashHandlers();
  const print = (line: string) => void process.stdout.write(wrapText(line) + "\n");
  const moved = moveRoamingHome();
  const config = loadConfig(argv, process.env);
  if (moved) print(moved);
  const relay = await startOrShowRunning(config, argv, print);
  if (relay) await runInWindow(config, relay, print, argv);
  else await holdWindow();
}

/** Starts the relay; undefined when this PC's own relay already runs on the port, and was shown instead. */
async function startOrShowRunning(
  config: RelayConfig,
  argv: string[],
  print: (line: string) => void,
): Promise<Relay | undefined> {
  try {
    return await startServing(config, argv, print);
  } catch (error) {
    // A second start (another double-click, the logon task already running) shows the running relay instead.
    const inUse = (error as NodeJS.ErrnoException).code === "EADDRINUSE";
    // Loaded only then: it asks the running relay over TLS, which the main process of workers otherwise never loads.
    const { showRunningRelay } = await import("./console/already-running.js");
    if (inUse && (await showRunningRelay(config.home, config.port, print))) return undefined;
    throw error;
  }
}

/** The relay's requests served in this process, or by workers beside it; each way loads only what it needs. */
async function startServing(config: RelayConfig, argv: string[], print: (line: string) => void): Promise<Relay> {
  if (config.workers > 1) {
    const { startWorkers } = await import("./cluster/primary.js");
    return startWorkers(config, { argv, write: (text) => void process.stdout.write(text), print });
  }
  const { startRelay } = await import("./http/server.js");
  return startRelay(config, lineLogger());
}

/** The running relay's window: what it says at start, and how it stops, pairs, announces and opens the firewall. */
async function runInWindow(
  config: RelayConfig,
  relay: Relay,
  print: (line: string) => void,
  argv: string[],
): Promise<void> {
  // One shutdown for Ctrl+C (signal or key), Ctrl+Break, the window closing and SIGTERM.
  const started: { extras?: RelayExtras; successor?: string } = {};
  const shutdown = createShutdown({
    stop: async (graceMs) => void (await Promise.all([started.extras?.stop(), relay.stop(graceMs)])),
    graceMs: config.stopGraceMs,
    print,
    exit: (code) => {
      // Setup installed the relay elsewhere: it starts there, in a window of its own, once this one let go of the port.
      if (started.successor) {
        const { file, args } = inNewWindow(started.successor, argv);
        spawn(file, args, { detached: true, stdio: "ignore", windowsVerbatimArguments: true }).unref();
      }
      process.exit(code);
    },
  });
  onStopSignals(shutdown);

  const self = selfInvocation();
  const { addresses } = await currentNetworks(config.host);
  print(startMessage(config, relay, addresses, self.typed));
  // A damaged list of devices is said at start, and whenever it is found later, with the two ways out.
  const registry = relay.security.devices;
  registry.onDamage = (damage) => print(damageNotice(damage, registry.path, self.typed));
  started.extras = startExtras(config, relay, print, {
    stop: () => shutdown("interrupt"),
    firewall: process.platform === "win32" ? processSetupEnvironment(process.env, relay.port) : undefined,
    typed: self.typed,
    addresses,
    restartFrom: (program) => {
      started.successor = program;
      shutdown("interrupt");
    },
  });
  const { devices: paired, damage } = registry.status();
  // First start: nothing paired yet, so the code the Mac needs is shown at once (by the pairing notices).
  if (paired.length === 0 && !damage) relay.security.pairing.open();
}

/** What the window says once the relay listens: where it forwards, who it is, what to do next; limits if verbose. */
function startMessage(config: RelayConfig, relay: Relay, addresses: string[], typed: string): string {
  const lines = [
    `Passerelle relay ${version} is listening on port ${relay.port} (${config.insecureHttp ? "plain HTTP" : "TLS"}), forwarding to ${config.upstream.href}.`,
    ...startBanner(config, relay, addresses, typed),
    "Press Ctrl+C to stop.",
  ];
  if (config.verbose) {
    const { timeouts: t, limits: l } = config;
    lines.push(
      `Limits: connect ${t.connectMs / 1000} s, first byte ${t.firstByteMs / 1000} s, idle ${t.idleMs / 1000} s, request headers ${l.headersMs / 1000} s, body ${l.maxBodyBytes / 1_000_000} MB, ${l.maxConcurrent} requests at once.`,
      ...config.localServers.map((s) => `Local models ${s.models.join(", ")} → ${s.name} at ${s.baseURL.href}`),
    );
  }
  return lines.join("\n");
}

/**
 * A double-clicked passerelle.exe has a window of its own that closes the moment the program ends: keep
 * it open until a key is pressed, so the message above can be read. Nothing changes in a terminal.
 */
async function holdWindow(): Promise<void> {
  if (process.platform !== "win32" || !process.stdin.isTTY || !isSea()) return;
  process.stdout.write("Press a key to close this window.\n");
  process.stdin.setRawMode(true);
  process.stdin.resume();
  await once(process.stdin, "data");
  process.stdin.pause();
}

main(process.argv.slice(2)).catch(async (error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(wrapText(`passerelle: ${error.message}`) + "\n");
    await holdWindow();
    process.exit(2);
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EADDRINUSE") {
    process.stderr.write(
      wrapText(
        "passerelle: the port is already in use — is another relay running? Stop it, or choose another port with --port.",
      ) + "\n",
    );
  } else if (code === "EACCES" && process.platform === "win32") {
    // Windows reserves port ranges for Hyper-V, WSL and WinNAT; a reserved port answers EACCES.
    process.stderr.write(
      wrapText(
        "passerelle: Windows reserves that port (an excluded port range, often for Hyper-V or WSL). Choose another with --port, e.g. --port 18787; `netsh interface ipv4 show excludedportrange protocol=tcp` lists the reserved ranges.",
      ) + "\n",
    );
  } else if (code === "EACCES") {
    process.stderr.write("passerelle: not allowed to listen on that port; choose a port above 1024 with --port.\n");
  } else {
    // Name and code only: an error message could quote a request.
    process.stderr.write(wrapText(`passerelle: could not start (${errorDetail(error)}).`) + "\n");
  }
  await holdWindow();
  process.exit(1);
});
