import { APIError, APIUserAbortError } from "openai";
import { isRelayUnreachable } from "../failures/classify";
import { RelayUnreachableError } from "../failures/errors";
import type { RelayConnection } from "./transport";

/** How to find the paired relay again, and how to remember where it went. Injected so tests need no network. */
export interface RelocationOptions<C extends RelayConnection> {
  /** Looks the relay up again by its id (bounded in time); undefined when it is not found. */
  relocate: (connection: C) => Promise<C | undefined>;
  /** Keeps the new address, once the relay answered there through the pinned connection. */
  save: (connection: C) => Promise<void>;
  /** False once the failed attempt already showed something (a streamed answer is never started twice). */
  canRetry?: () => boolean;
  /** Esc or a closed view: stop looking. */
  signal?: AbortSignal;
}

/**
 * Runs a request to the paired relay. When nothing answers at its address (refused, unreachable, timed out
 * connecting — never a certificate error), looks the relay up again by id and, if it is at a new address,
 * runs the request once more there: the pinned certificate still guards it. When it is not found, fails with
 * {@link RelayUnreachableError}, whose `cause` is the first failure.
 */
export async function withRelocation<C extends RelayConnection, T>(
  connection: C,
  run: (connection: C) => Promise<T>,
  options: RelocationOptions<C>,
): Promise<T> {
  try {
    return await run(connection);
  } catch (error) {
    if (!isRelayUnreachable(error) || options.signal?.aborted || options.canRetry?.() === false) throw error;
    const moved = await untilAborted(options.relocate(connection), options.signal);
    if (!moved || moved.address === connection.address) {
      throw unreachable(connection.address, error);
    }
    let result: T;
    try {
      result = await run(moved);
    } catch (retryError) {
      // An HTTP answer means the pinned handshake succeeded there: the new address is right.
      if (retryError instanceof APIError && retryError.status !== undefined) await options.save(moved);
      if (isRelayUnreachable(retryError)) throw unreachable(moved.address, retryError);
      throw retryError;
    }
    await options.save(moved);
    return result;
  }
}

function unreachable(address: string, cause: unknown): RelayUnreachableError {
  return new RelayUnreachableError(`Nothing answers at ${address}`, { address }, { cause });
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new APIUserAbortError());
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
