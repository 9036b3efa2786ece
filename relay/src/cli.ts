import { ConfigError, FLAGS, loadConfig } from "./config.js";
import { lanAddresses } from "./addresses.js";
import { isSubcommand, runSubcommand, SUBCOMMANDS_HELP } from "./commands/dispatch.js";
import { installCrashHandlers } from "./crash.js";
import { startBanner, startExtras } from "./interactive.js";
import { lineLogger } from "./request-log.js";
import { startRelay } from "./server.js";
import { version } from "./version.js";

const HELP = `Passerelle relay ${version}: the OpenAI API for the Macs on this network, with the key each Mac sends.

Usage: passerelle [options]

Options (each also an environment variable):
${FLAGS.map((f) => `  --${f.flag.padEnd(20)} ${f.env.padEnd(32)} ${f.help}`).join("\n")}
  --verbose              PASSERELLE_VERBOSE=1             more detail per request
  --no-mdns              PASSERELLE_MDNS=0                do not announce the relay on the network
  --insecure-http                                         plain HTTP instead of TLS, on loopback only (development)
  --force-insecure-http                                   with --insecure-http: allow a network address too (keys readable by the network)
  --help, --version

${SUBCOMMANDS_HELP}`;

async function main(argv: string[]): Promise<void> {
  if (isSubcommand(argv[0])) return void (process.exitCode = await runSubcommand(argv));
  if (argv.includes("--help") || argv.includes("-h")) return void process.stdout.write(HELP);
  if (argv.includes("--version")) return void process.stdout.write(version + "\n");

  installCrashHandlers();
  const config = loadConfig(argv, process.env);
  const relay = await startRelay(config, lineLogger());
  const addresses = config.host ? [{ address: config.host }] : lanAddresses();
  const lines = [
    `Passerelle relay ${version} is listening on port ${relay.port} (${config.insecureHttp ? "plain HTTP" : "TLS"}), forwarding to ${config.upstream.href}.`,
    ...startBanner(
      config,
      relay,
      addresses.map((a) => a.address),
    ),
    "Press Ctrl+C to stop.",
  ];
  if (config.verbose) {
    const { timeouts: t, limits: l } = config;
    lines.push(
      `Limits: connect ${t.connectMs / 1000} s, first byte ${t.firstByteMs / 1000} s, idle ${t.idleMs / 1000} s, request headers ${l.headersMs / 1000} s, body ${l.maxBodyBytes / 1_000_000} MB, ${l.maxConcurrent} requests at once.`,
      ...config.localServers.map((s) => `Local models ${s.models.join(", ")} → ${s.name} at ${s.baseURL.href}`),
    );
  }
  process.stdout.write(lines.join("\n") + "\n");
  const extras = startExtras(config, relay, (line) => process.stdout.write(line + "\n"));

  let stopping = false;
  const shutdown = () => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stdout.write("Stopping: finishing the answers in flight (Ctrl+C again to quit at once)…\n");
    void Promise.all([extras.stop(), relay.stop(config.stopGraceMs)]).then(() => process.exit(0));
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`passerelle: ${error.message}\n`);
    process.exit(2);
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EADDRINUSE") {
    process.stderr.write(
      "passerelle: the port is already in use — is another relay running? Stop it, or choose another port with --port.\n",
    );
  } else if (code === "EACCES") {
    process.stderr.write("passerelle: not allowed to listen on that port; choose a port above 1024 with --port.\n");
  } else {
    // Name and code only: an error message could quote a request.
    process.stderr.write(`passerelle: could not start (${(error as Error).name}${code ? " " + code : ""}).\n`);
  }
  process.exit(1);
});
