/** The keys typed in the relay's window: Ctrl+C, p for a pairing code, f for the firewall. */

/** What the keys typed in the relay's window do. */
export interface KeyActions {
  /** Ctrl+C: in raw mode the console hands it over as the key `\x03`, not as a signal. */
  stop(): void;
  /** p: open a pairing session and show its code. */
  pair(): void;
  /** f: allow the relay through the firewall (offered on Windows when the rules are missing). */
  firewall?: (() => void) | undefined;
  /** r: remove an old relay folder left in the roaming profile (offered when there is one). */
  removeRoaming?: (() => void) | undefined;
}

/** The part of `process.stdin` the key handler uses (a test passes a stream of its own). */
export interface KeyInput {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
  on(event: "data", listener: (data: Buffer | string) => void): unknown;
  off(event: "data", listener: (data: Buffer | string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

/**
 * Reads single keys from a terminal in raw mode and calls the matching action; does nothing when
 * `input` is not a terminal (a service, a pipe). Returns a function that gives the terminal back.
 */
export function listenForKeys(input: KeyInput, actions: KeyActions): () => void {
  if (!input.isTTY) return () => undefined;
  const onData = (data: Buffer | string) => {
    // A paste or a fast typist can bring several keys in one read.
    for (const key of typeof data === "string" ? data : data.toString("utf8")) {
      if (key === "\u0003") actions.stop();
      else if (key === "p" || key === "P") actions.pair();
      else if ((key === "f" || key === "F") && actions.firewall) actions.firewall();
      else if ((key === "r" || key === "R") && actions.removeRoaming) actions.removeRoaming();
    }
  };
  input.setRawMode?.(true);
  input.on("data", onData);
  input.resume();
  return () => {
    input.off("data", onData);
    input.setRawMode?.(false);
    input.pause();
  };
}
