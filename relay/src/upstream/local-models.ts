/** Models served by this PC's own servers (Ollama, LM Studio…): the models file, and each model's server. */
import { readFileSync } from "node:fs";

/** An OpenAI-compatible server on the PC (Ollama, LM Studio, llama.cpp) and the models it answers for. */
export interface LocalServer {
  name: string;
  /** Its API base, e.g. `http://127.0.0.1:11434/v1`. */
  baseURL: URL;
  /** Model names; a trailing `*` makes a prefix (`qwen2.5*`). */
  models: string[];
}

/** Which server answers for a model: exact names first, then the longest matching prefix. */
export type ModelRouter = (model: string) => LocalServer | undefined;

/** A models file that cannot be used; the message is one line naming the file and the entry. */
export class ModelsConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModelsConfigError";
  }
}

export const MODELS_FILE_EXAMPLE = `{ "servers": [ { "name": "ollama", "baseURL": "http://127.0.0.1:11434/v1", "models": ["llama3.2*"] } ] }`;

/**
 * Validates the text of a models file (JSON: `{ "servers": [{ name, baseURL, models }] }`).
 * Throws a {@link ModelsConfigError} naming the first bad entry.
 */
export function parseModelsConfig(text: string, label: string): LocalServer[] {
  const fail = (what: string): never => {
    throw new ModelsConfigError(`${label}: ${what}`);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    fail(`is not valid JSON (${(error as Error).message.split("\n")[0]}). Expected for example ${MODELS_FILE_EXAMPLE}`);
  }
  const root = parsed as { servers?: unknown };
  if (typeof root !== "object" || root === null || !Array.isArray(root.servers)) {
    return fail(`must be an object with a "servers" list, for example ${MODELS_FILE_EXAMPLE}`);
  }
  const extra = Object.keys(root).filter((k) => k !== "servers");
  if (extra.length) fail(`unknown field "${extra[0]}" (only "servers" is read).`);

  const servers: LocalServer[] = [];
  /** Which server each model name or prefix already belongs to. */
  const owner = new Map<string, string>();
  for (const [i, entry] of (root.servers as unknown[]).entries()) {
    const e = entry as Record<string, unknown>;
    const named = typeof e?.name === "string" && e.name ? `servers[${i}] ("${e.name}")` : `servers[${i}]`;
    servers.push(parseServer(entry, servers, owner, (what) => fail(`${named}: ${what}`)));
  }
  return servers;
}

/** One entry of the "servers" list, checked against the entries before it. */
function parseServer(
  entry: unknown,
  before: LocalServer[],
  owner: Map<string, string>,
  fail: (what: string) => never,
): LocalServer {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) fail("must be an object.");
  const e = entry as Record<string, unknown>;
  const unknown = Object.keys(e).find((k) => !["name", "baseURL", "models"].includes(k));
  if (unknown) fail(`unknown field "${unknown}" (expected name, baseURL, models).`);
  if (typeof e.name !== "string" || !/^[\w.-]{1,40}$/.test(e.name)) {
    fail(`"name" must be a short word such as "ollama" (letters, digits, '.', '-', '_').`);
  }
  const name = e.name as string;
  if (before.some((s) => s.name === name)) fail(`the name "${name}" is used twice.`);
  const baseURL = parseBaseURL(e.baseURL, fail);
  if (!Array.isArray(e.models) || e.models.length === 0) {
    fail(`"models" must be a non-empty list of model names, such as ["llama3.2:3b", "qwen2.5*"].`);
  }
  for (const model of e.models as unknown[]) {
    if (typeof model !== "string" || !/^[^\s*]{0,200}\*?$/.test(model) || model === "") {
      fail(`model ${JSON.stringify(model)} must be a name, or a prefix ending with '*', without spaces.`);
    }
    const taken = owner.get(model as string);
    if (taken) fail(`model "${model as string}" is already served by "${taken}".`);
    owner.set(model as string, name);
  }
  return { name, baseURL, models: e.models as string[] };
}

/** A server's `baseURL`: a plain http(s) base, its trailing slashes removed. */
function parseBaseURL(value: unknown, fail: (what: string) => never): URL {
  let baseURL: URL | undefined;
  try {
    baseURL = new URL(String(value));
  } catch {
    fail(`"baseURL" must be a URL such as http://127.0.0.1:11434/v1.`);
  }
  if (baseURL!.protocol !== "http:" && baseURL!.protocol !== "https:") {
    fail(`"baseURL" must start with http:// or https://.`);
  }
  if (baseURL!.username || baseURL!.password || baseURL!.search || baseURL!.hash) {
    fail(`"baseURL" must be a plain base URL, without credentials, query or fragment.`);
  }
  baseURL!.pathname = baseURL!.pathname.replace(/\/+$/, "");
  return baseURL!;
}

/**
 * The text of a file as Windows editors save it: UTF-8 with or without a byte order mark (Notepad), or
 * UTF-16 LE or BE with one (PowerShell 5.1's `Out-File` and `>`).
 */
export function decodeText(bytes: Buffer): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString("utf8");
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString("utf16le");
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2, 2 + ((bytes.length - 2) & ~1)));
    return swapped.swap16().toString("utf16le");
  }
  return bytes.toString("utf8");
}

/** Reads and validates a models file; a missing file is an error only when `required`. */
export function loadModelsConfig(path: string, label: string, required: boolean): LocalServer[] {
  let text: string;
  try {
    text = decodeText(readFileSync(path));
  } catch (error) {
    if (!required && (error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new ModelsConfigError(`${label}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? "error"}).`);
  }
  return parseModelsConfig(text, `${label} (${path})`);
}

/** Builds the lookup from model name to local server. */
export function modelRouter(servers: LocalServer[]): ModelRouter {
  const exact = new Map<string, LocalServer>();
  const prefixes: Array<[string, LocalServer]> = [];
  for (const server of servers) {
    for (const model of server.models) {
      if (model.endsWith("*")) prefixes.push([model.slice(0, -1), server]);
      else exact.set(model, server);
    }
  }
  prefixes.sort((a, b) => b[0].length - a[0].length);
  return (model) => exact.get(model) ?? prefixes.find(([prefix]) => model.startsWith(prefix))?.[1];
}
