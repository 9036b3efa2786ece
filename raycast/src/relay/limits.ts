import type { RelayConnection } from "./transport";
import { relayTransport } from "./clients";

/** Each relay's body limit, once known in this command. */
const limits = new Map<string, number | undefined>();

/**
 * The largest request body the relay accepts (its `--max-body`, from a keyless `GET /health` on the command's own
 * connection), so that files too large for it are refused before anything is sent. Undefined for a relay that does
 * not say (it still refuses a too large body itself).
 */
export async function relayBodyLimit(
  connection: RelayConnection,
  apiKey: string,
  signal?: AbortSignal,
): Promise<number | undefined> {
  const key = `${connection.address} ${connection.fingerprint256 ?? ""}`;
  if (limits.has(key)) return limits.get(key);
  const transport = relayTransport(connection, apiKey);
  const response = await transport.fetch(`${transport.endpoint.origin}/health`, { signal });
  const body = (await response.json().catch(() => ({}))) as { limits?: { maxBodyBytes?: unknown } };
  const limit = body.limits?.maxBodyBytes;
  const known = typeof limit === "number" && limit > 0 ? limit : undefined;
  limits.set(key, known);
  return known;
}
