import type OpenAI from "openai";
import { clientOver, createRelayTransport, type RelayConnection, type RelayTransport } from "./relay-client";

/**
 * One client per paired relay for the life of a command: its pinned connection pool is made on the first request
 * and reused by every later one (Ask Again, each chat turn, the model list), so they share one TLS connection
 * instead of a handshake each. The views that ask hold the clients open ({@link holdRelayClients}); when the last
 * one goes (the command ends), the pools are closed.
 */

interface KeptClient {
  client: OpenAI;
  transport: RelayTransport;
  apiKey: string;
}

const kept = new Map<string, KeptClient>();
let holders = 0;

/** What makes two connections the same relay to this command: where it is, its pin and this Mac's token. */
function relayKey(connection: RelayConnection): string {
  return JSON.stringify([
    connection.address,
    connection.scheme,
    connection.fingerprint256 ?? "",
    connection.certificatePem ?? "",
    connection.deviceToken ?? "",
  ]);
}

/** The command's client for this relay: made on first use, then the same one (and its open connection) each time. */
export function relayClient(connection: RelayConnection, apiKey: string): OpenAI {
  const key = relayKey(connection);
  const found = kept.get(key);
  if (found && found.apiKey === apiKey) return found.client;
  // The key changed in the preferences: the old client goes, with its connections.
  if (found) void found.transport.close();
  const transport = createRelayTransport(connection);
  const client = clientOver(transport, apiKey);
  kept.set(key, { client, transport, apiKey });
  return client;
}

/** How many relay clients the command holds (tests). */
export function relayClientCount(): number {
  return kept.size;
}

/** Closes every relay client of the command and their connections. */
export async function closeRelayClients(): Promise<void> {
  const all = [...kept.values()];
  kept.clear();
  await Promise.all(all.map(({ transport }) => transport.close()));
}

/**
 * Keeps the command's clients open until the returned function is called. When the last holder lets go, they are
 * closed — after the current task, so that a view replacing another in the same render keeps the connection.
 */
export function holdRelayClients(): () => void {
  holders++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    holders--;
    setTimeout(() => {
      if (holders === 0) void closeRelayClients();
    }, 0);
  };
}
