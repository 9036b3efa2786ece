/** The relay's one way to stop, whatever asks: Ctrl+C, Ctrl+Break, the window closing, a service manager. */

/**
 * Why the relay stops: Ctrl+C (as SIGINT, or as the `\x03` key in raw mode) or Ctrl+Break; the
 * console window closing (SIGHUP; Windows ends the process a few seconds later); a service manager (SIGTERM).
 */
export type StopReason = "interrupt" | "close" | "terminate";

export interface ShutdownOptions {
  /** Stops accepting, lets answers in flight finish for up to `graceMs`, removes relay.json, says mDNS goodbye. */
  stop(graceMs: number): Promise<void>;
  /** How long answers in flight may take (`--stop-timeout`). */
  graceMs: number;
  print(line: string): void;
  exit(code: number): void;
}

/** Windows ends a process about 5 s after its console window closes: finish well before that. */
export const CLOSE_GRACE_MS = 3_000;

/**
 * The relay's one way to stop, whatever asked for it: the first call prints "Stopping…", waits for the
 * answers in flight (bounded) and exits 0; a second call exits at once (130, as a shell does for Ctrl+C).
 */
export function createShutdown(options: ShutdownOptions): (reason: StopReason) => void {
  let stopping = false;
  return (reason) => {
    if (stopping) return options.exit(130);
    stopping = true;
    const graceMs = reason === "close" ? Math.min(options.graceMs, CLOSE_GRACE_MS) : options.graceMs;
    try {
      options.print("Stopping: finishing the answers in flight (Ctrl+C again to quit at once)…");
    } catch {
      // The window is gone (SIGHUP): nobody reads this, the stop itself still matters.
    }
    // Should closing hang (a stuck socket, an mDNS goodbye that never leaves), exit anyway.
    const deadline = setTimeout(() => options.exit(0), graceMs + 1_000);
    deadline.unref();
    void options.stop(graceMs).then(
      () => (clearTimeout(deadline), options.exit(0)),
      () => (clearTimeout(deadline), options.exit(1)),
    );
  };
}

/** The signals that mean "stop", on every platform Node runs on (SIGBREAK and SIGHUP come from Windows consoles). */
const SIGNALS: Array<[NodeJS.Signals, StopReason]> = [
  ["SIGINT", "interrupt"],
  ["SIGBREAK", "interrupt"],
  ["SIGHUP", "close"],
  ["SIGTERM", "terminate"],
];

/** Routes the stop signals to `shutdown`; returns a function that removes the handlers. */
export function onStopSignals(
  shutdown: (reason: StopReason) => void,
  target: Pick<NodeJS.Process, "on" | "off"> = process,
): () => void {
  const handlers = SIGNALS.map(([signal, reason]) => [signal, () => shutdown(reason)] as const);
  for (const [signal, handler] of handlers) target.on(signal, handler);
  return () => {
    for (const [signal, handler] of handlers) target.off(signal, handler);
  };
}
