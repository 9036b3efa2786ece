import type OpenAI from "openai";
import { clientOver, createRelayTransport, type RelayConnection, type RelayTransport } from "./transport";

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
  /** A warm-up in flight on this transport (see {@link openRelayConnection}). */
  opening?: Promise<void>;
  /** The client made a request: its connection is open or opening already. */
  requested?: boolean;
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

function keptFor(connection: RelayConnection, apiKey: string): KeptClient {
  const key = relayKey(connection);
  const found = kept.get(key);
  if (found && found.apiKey === apiKey) return found;
  // The key changed in the preferences: the old client goes, with its connections.
  if (found) void found.transport.close();
  const transport = createRelayTransport(connection);
  const entry = { transport, apiKey } as KeptClient;
  // A request made while a warm-up is opening the connection waits for it (bounded by the warm-up's own timeout),
  // so that it rides that connection instead of opening a second one beside it.
  const fetch: RelayTransport["fetch"] = async (input, init) => {
    entry.requested = true;
    if (entry.opening) await entry.opening;
    return transport.fetch(input, init);
  };
  entry.client = clientOver({ ...transport, fetch }, apiKey);
  kept.set(key, entry);
  return entry;
}

/** The command's pinned transport to this relay (the client's own connection pool), for keyless calls such as /health. */
export function relayTransport(connection: RelayConnection, apiKey: string): RelayTransport {
  return keptFor(connection, apiKey).transport;
}

/** The command's client for this relay: made on first use, then the same one (and its open connection) each time. */
export function relayClient(connection: RelayConnection, apiKey: string): OpenAI {
  return keptFor(connection, apiKey).client;
}

/**
 * Runs `open` on the pinned transport under the command's client for this relay (the same connection pool), for a
 * warm-up. The client's requests made meanwhile wait until it settles; once the client has made a request, there is
 * nothing to warm and `open` is not run (it would race that request for a second connection). Never rejects.
 */
export function openRelayConnection(
  connection: RelayConnection,
  apiKey: string,
  open: (transport: RelayTransport) => Promise<void>,
): Promise<void> {
  const entry = keptFor(connection, apiKey);
  if (entry.requested || entry.opening) return entry.opening ?? Promise.resolve();
  const opening = open(entry.transport).catch(() => undefined);
  entry.opening = opening;
  return opening.finally(() => {
    if (entry.opening === opening) entry.opening = undefined;
  });
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
