import { RelayAddressError } from "../failures/errors";

/** The port the relay listens on unless told otherwise. */
export const DEFAULT_RELAY_PORT = 8787;

/** Where the relay is: its origin (for `/health`) and its OpenAI-compatible base URL (origin + `/v1`). */
export interface RelayEndpoint {
  origin: string;
  baseURL: string;
}

/** What a person typed that is not a relay address, and why (worded in failures/wording.ts). */
function notAnAddress(typed: string, problem: RelayAddressError["facts"]["problem"]): RelayAddressError {
  return new RelayAddressError(`Not a relay address (${problem}): "${typed}"`, { typed, problem });
}

/**
 * Turns what a person typed (`192.168.1.20:8787`, `my-pc.local`, `http://x:8787/`, `https://x/v1`, `fe80::1`…)
 * into the relay's origin and base URL: scheme added when missing, port 8787 when none is given, `/v1` once.
 */
export function parseRelayAddress(input: string, defaultScheme: "http" | "https" = "http"): RelayEndpoint {
  let text = input.trim();
  if (!text) throw notAnAddress(text, "empty");

  const schemeMatch = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  let scheme: string = defaultScheme;
  if (schemeMatch) {
    scheme = schemeMatch[1].toLowerCase();
    if (scheme !== "http" && scheme !== "https") {
      throw notAnAddress(input.trim(), "scheme");
    }
    text = text.slice(schemeMatch[0].length);
  }

  const slash = text.indexOf("/");
  let authority = slash === -1 ? text : text.slice(0, slash);
  const rest = slash === -1 ? "" : text.slice(slash);
  authority = bracketBareIpv6(authority);

  const hasPort = /^\[[^\]]*\]:\d+$/.test(authority) || /^[^:[\]]+:\d+$/.test(authority);

  let url: URL;
  try {
    url = new URL(`${scheme}://${authority}${rest}`);
  } catch {
    throw notAnAddress(input.trim(), "not-an-address");
  }
  if (!isPlausibleHost(url.hostname) || url.username || url.password) {
    throw notAnAddress(input.trim(), "not-an-address");
  }
  if (!hasPort) url.port = String(DEFAULT_RELAY_PORT);

  const path = url.pathname.replace(/\/+$/, "");
  const basePath = /\/v1$/.test(path) ? path : `${path}/v1`;
  const origin = `${url.protocol}//${url.host}`;
  return { origin, baseURL: `${origin}${basePath}` };
}

/** `fe80::1` or `::1:8787`-like text without brackets: bracket it when it can only be an IPv6 literal. */
function bracketBareIpv6(authority: string): string {
  if (authority.startsWith("[")) return authority;
  const colons = authority.split(":").length - 1;
  if (colons < 2) return authority;
  return `[${authority}]`;
}

function isPlausibleHost(hostname: string): boolean {
  if (hostname.startsWith("[") && hostname.endsWith("]")) return true; // URL already validated the IPv6 literal
  if (!/^[a-z0-9.-]+$/i.test(hostname)) return false;
  return hostname.split(".").every((label) => label.length > 0 && label.length <= 63 && !/^-|-$/.test(label));
}
