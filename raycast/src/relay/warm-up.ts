import { getApiKey, getRelayConnection } from "./connection";
import { openRelayConnection } from "./clients";
import { relayHealth } from "./transport";

/** How long a warm-up may take before it gives up (a request waiting for it waits no longer). */
export const WARM_UP_TIMEOUT_MS = 3_000;

/**
 * Opens the command's pinned connection to the paired relay before its first request, so that request rides an open
 * TLS connection (and the relay readies its upstream one after a silence). Asks the relay's `GET /health` (the one
 * health call, {@link relayHealth}) on the command's transport, not through the OpenAI client, so that nothing
 * carries the key. Not paired, or any failure: nothing happens; the real request words what is wrong.
 */
export async function warmUpRelay(options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<void> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? WARM_UP_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    const connection = await getRelayConnection();
    if (signal.aborted) return;
    await openRelayConnection(connection, getApiKey(), async (transport) => {
      await relayHealth(transport, signal);
      // Let undici put the connection back in its pool (it does so just after the body ends; a request dispatched
      // before that opens a second connection).
      await new Promise((resolve) => setImmediate(resolve));
    });
  } catch {
    // Silent by design: see above.
  }
}
