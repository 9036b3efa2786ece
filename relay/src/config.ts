import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadModelsConfig, ModelsConfigError, type LocalServer } from "./upstream/local-models.js";
import { invocationDirectory, relayHome } from "./state/home.js";

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

type Values = { [K in keyof typeof SETTINGS]: ReturnType<(typeof SETTINGS)[K]["parse"]> };

/** Flags the relay accepts, for `--help` and for the parser. */
export const FLAGS = Object.values(SETTINGS).map(({ flag, env, help }) => ({ flag, env, help }));

/**
 * Reads the configuration from command-line flags, then environment variables, then defaults.
 * Throws a {@link ConfigError} naming the first bad setting.
 */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): RelayConfig {
  let flags: Record<string, string | boolean | undefined>;
  try {
    const options = Object.fromEntries(Object.values(SETTINGS).map((s) => [s.flag, { type: "string" as const }]));
    const switches = ["verbose", "insecure-http", "force-insecure-http", "no-mdns", "no-standby"].map((name) => [
      name,
      { type: "boolean" as const },
    ]);
    flags = parseArgs({ args: argv, options: { ...options, ...Object.fromEntries(switches) }, strict: true })
      .values as Record<string, string | boolean | undefined>;
  } catch (error) {
    const reason = (error as Error).message.split("\n")[0] ?? "Unknown option.";
    throw new ConfigError(`${reason.replace(/\.$/, "")}. See \`passerelle --help\` for the options.`);
  }

  const values = {} as Record<string, unknown>;
  for (const [key, setting] of Object.entries(SETTINGS)) {
    const fromFlag = flags[setting.flag];
    const raw = typeof fromFlag === "string" ? fromFlag : (env[setting.env] ?? setting.fallback);
    const label =
      typeof fromFlag === "string" ? `--${setting.flag}` : env[setting.env] ? setting.env : `--${setting.flag}`;
    values[key] = (setting.parse as (raw: string, label: string) => unknown)(raw.trim(), label);
  }
  const v = values as Values;
  const insecureHttp = flags["insecure-http"] === true;
  let listenHost = v.host;
  if (insecureHttp && flags["force-insecure-http"] !== true) {
    // Plain HTTP would show every key to the whole Wi-Fi: loopback only, unless the user insists.
    listenHost ??= "127.0.0.1";
    if (!/^(127\.\d+\.\d+\.\d+|::1|localhost)$/.test(listenHost)) {
      throw new ConfigError(
        `--insecure-http serves plain HTTP, readable by anyone on the network; it listens on loopback only. Remove --host ${listenHost}, or add --force-insecure-http if you really mean it.`,
      );
    }
  }
  return {
    host: listenHost,
    port: v.port,
    upstream: v.upstream,
    verbose: flags.verbose === true || env.PASSERELLE_VERBOSE === "1",
    home: relayHome(env),
    insecureHttp,
    mdns: flags["no-mdns"] !== true && env.PASSERELLE_MDNS !== "0",
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
    timeouts: { connectMs: v.connectTimeout, firstByteMs: v.firstByteTimeout, idleMs: v.idleTimeout },
    // One connection to the upstream kept ready, so the first token after a silence skips the TCP and TLS set-up.
    upstreamConnection: {
      keepAliveMs: v.upstreamKeepAlive,
      standby: flags["no-standby"] !== true && env.PASSERELLE_STANDBY !== "0",
    },
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
