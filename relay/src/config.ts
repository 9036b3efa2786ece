/** What the relay can be told at start: one table of settings and switches, read from flags, environment and defaults. */
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadModelsConfig, ModelsConfigError, type LocalServer } from "./upstream/local-models.js";
import { invocationDirectory, relayHome } from "./state/home.js";
import { isLoopbackHost } from "./network/addresses.js";
import { wrapLine } from "./console/wrap.js";

/** Everything the relay can be told at start. */
export interface RelayConfig {
  /** Interface to listen on; undefined means every interface (IPv6 and IPv4). */
  host: string | undefined;
  port: number;
  /** Base URL of the OpenAI-compatible API that `/v1/*` is forwarded to. */
  upstream: URL;
  verbose: boolean;
  /** The relay's folder: identity, paired devices (`PASSERELLE_HOME` or the platform's config folder). */
  home: string;
  /** Plain HTTP instead of TLS (development only; loopback unless forced). */
  insecureHttp: boolean;
  /** Announce the relay on the network (DNS-SD `_passerelle._tcp`). */
  mdns: boolean;
  /** The interface address to announce on (hosts with several adapters); undefined lets the system choose. */
  mdnsInterface: string | undefined;
  /** Bounds on callers: body size, requests at once, time to send request headers. */
  limits: { maxBodyBytes: number; maxConcurrent: number; headersMs: number };
  /** Local OpenAI-compatible servers (Ollama, LM Studio…) and the models routed to them. */
  localServers: LocalServer[];
  /** How long a stop (Ctrl+C) waits for answers in flight. */
  stopGraceMs: number;
  /** How long a pairing code works once shown. */
  pairingTtlMs: number;
  timeouts: {
    /** Opening the TCP/TLS connection to the upstream. */
    connectMs: number;
    /** From sending the request to the upstream's response headers. */
    firstByteMs: number;
    /** Longest silence between two pieces of a response body. */
    idleMs: number;
  };
  /** The connection to the upstream: how long an unused one stays open, and whether one is kept ready ahead. */
  upstreamConnection: { keepAliveMs: number; standby: boolean };
  /** Processes serving requests: 1 serves them in the relay's own process; more are workers beside it. */
  workers: number;
}

/**
 * Processes serving requests unless told otherwise: the PC's cores but one (left to the relay's window,
 * pairing, and the rest of the PC), at most 8.
 */
export function defaultWorkers(cores = availableParallelism()): number {
  return Math.max(1, Math.min(8, cores - 1));
}

/** A setting with a bad value; its message names the setting and says what would be accepted. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

interface Setting<T> {
  flag: string;
  env: string;
  fallback: string;
  /** What `--help` says of it, default included. */
  help: string;
  parse: (raw: string, label: string) => T;
}

const port: Setting<number>["parse"] = (raw, label) => {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 65535) throw new ConfigError(`${label}: "${raw}" is not a port number (0–65535).`);
  return n;
};

const seconds: Setting<number>["parse"] = (raw, label) => {
  const n = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || n <= 0 || n > 86_400) {
    throw new ConfigError(`${label}: "${raw}" is not a number of seconds (more than 0, at most 86400).`);
  }
  return Math.round(n * 1000);
};

const count =
  (max: number): Setting<number>["parse"] =>
  (raw, label) => {
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < 1 || n > max)
      throw new ConfigError(`${label}: "${raw}" is not a whole number from 1 to ${max}.`);
    return n;
  };

const workers: Setting<number>["parse"] = (raw, label) => (raw === "" ? defaultWorkers() : count(64)(raw, label));

const path: Setting<string | undefined>["parse"] = (raw) => (raw === "" ? undefined : raw);

const host: Setting<string | undefined>["parse"] = (raw, label) => {
  if (raw === "" || raw === "*") return undefined;
  if (!/^[0-9A-Za-z.:%_-]+$/.test(raw)) throw new ConfigError(`${label}: "${raw}" is not a host name or IP address.`);
  return raw;
};

const upstream: Setting<URL>["parse"] = (raw, label) => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${label}: "${raw}" is not a URL; give a base URL such as https://api.openai.com/v1.`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ConfigError(`${label}: "${raw}" must start with https:// or http://.`);
  }
  // A query is kept (Azure OpenAI and gateways may need `api-version`); credentials would end up in logs.
  if (url.username || url.password || url.hash) {
    throw new ConfigError(`${label}: "${raw}" must be a base URL without credentials or fragment.`);
  }
  url.pathname = url.pathname.replace(/\/+$/, "");
  return url;
};

const SETTINGS = {
  port: { flag: "port", env: "PASSERELLE_PORT", fallback: "8787", help: "port to listen on (8787)", parse: port },
  host: {
    flag: "host",
    env: "PASSERELLE_HOST",
    fallback: "",
    help: "address to listen on (every interface)",
    parse: host,
  },
  upstream: {
    flag: "upstream",
    env: "PASSERELLE_UPSTREAM",
    fallback: "https://api.openai.com/v1",
    help: "OpenAI-compatible API to forward to (https://api.openai.com/v1)",
    parse: upstream,
  },
  connectTimeout: {
    flag: "connect-timeout",
    env: "PASSERELLE_CONNECT_TIMEOUT",
    fallback: "10",
    help: "seconds to connect to the upstream (10)",
    parse: seconds,
  },
  firstByteTimeout: {
    flag: "first-byte-timeout",
    env: "PASSERELLE_FIRST_BYTE_TIMEOUT",
    fallback: "600",
    help: "seconds until the upstream starts answering (600)",
    parse: seconds,
  },
  idleTimeout: {
    flag: "idle-timeout",
    env: "PASSERELLE_IDLE_TIMEOUT",
    fallback: "300",
    help: "seconds of silence allowed inside an answer (300)",
    parse: seconds,
  },
  upstreamKeepAlive: {
    flag: "upstream-keep-alive",
    env: "PASSERELLE_UPSTREAM_KEEP_ALIVE",
    fallback: "30",
    help: "seconds an unused connection to the upstream stays open (30)",
    parse: seconds,
  },
  headersTimeout: {
    flag: "headers-timeout",
    env: "PASSERELLE_HEADERS_TIMEOUT",
    fallback: "10",
    help: "seconds a caller has to send its request headers (10)",
    parse: seconds,
  },
  maxBody: {
    flag: "max-body",
    env: "PASSERELLE_MAX_BODY_MB",
    fallback: "50",
    help: "largest request body, in MB (50)",
    parse: count(2048),
  },
  maxConcurrent: {
    flag: "max-concurrent",
    env: "PASSERELLE_MAX_CONCURRENT",
    fallback: "512",
    help: "requests handled at once (512)",
    parse: count(100_000),
  },
  workers: {
    flag: "workers",
    env: "PASSERELLE_WORKERS",
    fallback: "",
    help: `processes serving requests (the cores but one, at most 8: ${defaultWorkers()} here)`,
    parse: workers,
  },
  pairingTimeout: {
    flag: "pairing-timeout",
    env: "PASSERELLE_PAIRING_TIMEOUT",
    fallback: "120",
    help: "seconds a pairing code works once shown (120)",
    parse: seconds,
  },
  stopTimeout: {
    flag: "stop-timeout",
    env: "PASSERELLE_STOP_TIMEOUT",
    fallback: "10",
    help: "seconds to let answers finish on Ctrl+C (10)",
    parse: seconds,
  },
  modelsConfig: {
    flag: "models-config",
    env: "PASSERELLE_MODELS_CONFIG",
    fallback: "",
    help: "JSON file routing models to servers on this PC (none)",
    parse: path,
  },
  mdnsInterface: {
    flag: "mdns-interface",
    env: "PASSERELLE_MDNS_INTERFACE",
    fallback: "",
    help: "network interface to announce the relay on (all)",
    parse: host,
  },
} satisfies Record<string, Setting<unknown>>;

/** An on/off flag, off unless given; some can also be turned on by an environment variable. */
interface Switch {
  flag: string;
  /** The variable and the value that turn it on, e.g. `PASSERELLE_MDNS=0` for `--no-mdns`. */
  env?: { name: string; value: string };
  help: string;
}

const SWITCHES = {
  verbose: { flag: "verbose", env: { name: "PASSERELLE_VERBOSE", value: "1" }, help: "more detail per request" },
  noMdns: {
    flag: "no-mdns",
    env: { name: "PASSERELLE_MDNS", value: "0" },
    help: "do not announce the relay on the network",
  },
  noStandby: {
    flag: "no-standby",
    env: { name: "PASSERELLE_STANDBY", value: "0" },
    help: "do not keep a connection to the upstream ready ahead of requests",
  },
  insecureHttp: { flag: "insecure-http", help: "plain HTTP instead of TLS, on loopback only (development)" },
  forceInsecureHttp: {
    flag: "force-insecure-http",
    help: "with --insecure-http: allow a network address too (keys readable by the network)",
  },
} satisfies Record<string, Switch>;

type Values = { [K in keyof typeof SETTINGS]: ReturnType<(typeof SETTINGS)[K]["parse"]> };
type Switches = Record<keyof typeof SWITCHES, boolean>;
type Flags = Record<string, string | boolean | undefined>;

/** The relay's options for `--help`, one a line: flag, environment variable, what it does. */
export const OPTIONS_HELP = [
  ...Object.values(SETTINGS).map((s) => [s.flag, s.env, s.help]),
  ...Object.values(SWITCHES).map((s: Switch) => [s.flag, s.env ? `${s.env.name}=${s.env.value}` : "", s.help]),
]
  .map(([flag, env, help]) => wrapLine(`  --${flag!.padEnd(22)} ${help}${env ? ` (${env})` : ""}`, 100, " ".repeat(27)))
  .join("\n");

/** The command line, checked against the tables above; a mistake is a {@link ConfigError}. */
function parseFlags(argv: string[]): Flags {
  const options = Object.fromEntries([
    ...Object.values(SETTINGS).map((s) => [s.flag, { type: "string" as const }]),
    ...Object.values(SWITCHES).map((s) => [s.flag, { type: "boolean" as const }]),
  ]);
  try {
    return parseArgs({ args: argv, options, strict: true }).values as Flags;
  } catch (error) {
    const reason = (error as Error).message.split("\n")[0] ?? "Unknown option.";
    throw new ConfigError(`${reason.replace(/\.$/, "")}. --help lists the options.`);
  }
}

/** Each setting from its flag, else its environment variable, else its default; the first bad one throws. */
function readSettings(flags: Flags, env: NodeJS.ProcessEnv): Values {
  const values = {} as Record<string, unknown>;
  for (const [key, setting] of Object.entries(SETTINGS)) {
    const fromFlag = flags[setting.flag];
    const raw = typeof fromFlag === "string" ? fromFlag : (env[setting.env] ?? setting.fallback);
    const label =
      typeof fromFlag === "string" ? `--${setting.flag}` : env[setting.env] ? setting.env : `--${setting.flag}`;
    values[key] = (setting.parse as (raw: string, label: string) => unknown)(raw.trim(), label);
  }
  return values as Values;
}

/** Each switch on by its flag, or by its environment variable's value. */
function readSwitches(flags: Flags, env: NodeJS.ProcessEnv): Switches {
  const entries = Object.entries(SWITCHES).map(([key, s]: [string, Switch]) => {
    const on = flags[s.flag] === true || (s.env !== undefined && env[s.env.name] === s.env.value);
    return [key, on];
  });
  return Object.fromEntries(entries) as Switches;
}

/** Where plain HTTP may listen: loopback only (every key readable by the whole Wi-Fi otherwise), unless forced. */
function insecureListenHost(host: string | undefined, switches: Switches): string | undefined {
  if (!switches.insecureHttp || switches.forceInsecureHttp) return host;
  const listenHost = host ?? "127.0.0.1";
  if (!isLoopbackHost(listenHost)) {
    throw new ConfigError(
      `--insecure-http serves plain HTTP, readable by anyone on the network; it listens on loopback only. Remove --host ${listenHost}, or add --force-insecure-http if you really mean it.`,
    );
  }
  return listenHost;
}

/**
 * Reads the configuration from command-line flags, then environment variables, then defaults.
 * Throws a {@link ConfigError} naming the first bad setting.
 */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): RelayConfig {
  const flags = parseFlags(argv);
  const v = readSettings(flags, env);
  const switches = readSwitches(flags, env);
  return {
    host: insecureListenHost(v.host, switches),
    port: v.port,
    upstream: v.upstream,
    verbose: switches.verbose,
    home: relayHome(env),
    insecureHttp: switches.insecureHttp,
    mdns: !switches.noMdns,
    mdnsInterface: v.mdnsInterface,
    limits: { maxBodyBytes: v.maxBody * 1_000_000, maxConcurrent: v.maxConcurrent, headersMs: v.headersTimeout },
    localServers: localServers(
      // Relative to where the person typed the command: under `npm start` the cwd is relay/, and npm
      // gives the original folder in INIT_CWD.
      v.modelsConfig && resolve(invocationDirectory(env), v.modelsConfig),
      flags["models-config"] !== undefined,
      join(relayHome(env), "models.json"),
    ),
    stopGraceMs: v.stopTimeout,
    pairingTtlMs: v.pairingTimeout,
    timeouts: { connectMs: v.connectTimeout, firstByteMs: v.firstByteTimeout, idleMs: v.idleTimeout },
    // One connection to the upstream kept ready, so the first token after a silence skips the TCP and TLS set-up.
    upstreamConnection: { keepAliveMs: v.upstreamKeepAlive, standby: !switches.noStandby },
    workers: v.workers,
  };
}

/** Reads the models file given by flag or environment (which must exist), else the default one if present. */
function localServers(given: string | undefined, byFlag: boolean, fallback: string | undefined): LocalServer[] {
  try {
    if (given) return loadModelsConfig(given, byFlag ? "--models-config" : "PASSERELLE_MODELS_CONFIG", true);
    return fallback ? loadModelsConfig(fallback, "models file", false) : [];
  } catch (error) {
    throw error instanceof ModelsConfigError ? new ConfigError(error.message) : error;
  }
}
