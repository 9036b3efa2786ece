/** The request log: one line a request, from a list of allowed fields, with key-shaped text cut short. */

/** One line about one request. Only these fields are ever logged: never a header, a body or a key. */
export interface RequestLogEntry {
  time: Date;
  address: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  bytes: number;
  model?: string | undefined;
  failure?: string | undefined;
  /** For an unexpected or upstream failure: the error's name and code (e.g. `TypeError`, `Error ECONNRESET`), never its message. */
  detail?: string | undefined;
  /** Verbose only: which upstream answered (a local server's name, or `merged` for the model list). */
  upstream?: string | undefined;
  /** Verbose only: time to the upstream's response headers. */
  firstByteMs?: number | undefined;
  /** Verbose only: the upstream's request id, for OpenAI support. */
  requestId?: string | undefined;
}

export type RequestLogger = (entry: RequestLogEntry) => void;

/** Wherever it starts: a key pasted after a letter (`xsk-proj-…`, `/models/xpsr_…`) is still a key. */
const KEY_SHAPED = /(sk|psr)([-_])[A-Za-z0-9_-]{4,}/g;

/**
 * Cuts key- and token-shaped strings (`sk-…`, `psr_…`) short: a key pasted into a URL or a model name
 * must not reach the log. A name that merely contains the letters (`task-model`) is cut too: the log
 * errs on the side of the key.
 */
export function redactKeys(text: string): string {
  return text.replace(KEY_SHAPED, "$1$2…");
}

/** Formats an entry as one human-readable line, e.g. `10:31:02 192.168.1.31 POST /v1/chat/completions gpt-4.1-mini 200 812 ms 4.1 kB`. */
export function formatRequestLine(entry: RequestLogEntry): string {
  const time = clockTime(entry.time);
  const size = entry.bytes < 1000 ? `${entry.bytes} B` : `${(entry.bytes / 1000).toFixed(1)} kB`;
  const parts = [time, entry.address, entry.method, entry.path];
  if (entry.model) parts.push(entry.model);
  parts.push(String(entry.status), `${Math.round(entry.durationMs)} ms`, size);
  if (entry.failure) parts.push(entry.detail ? `(${entry.failure}: ${entry.detail})` : `(${entry.failure})`);
  if (entry.upstream) parts.push(`via ${entry.upstream}`);
  if (entry.firstByteMs !== undefined) parts.push(`first byte ${Math.round(entry.firstByteMs)} ms`);
  if (entry.requestId) parts.push(entry.requestId);
  // Every field, not only the path: whatever a caller controls could carry a key.
  return redactKeys(parts.join(" "));
}

let clockSecond = -1;
let clockText = "";

/** `HH:MM:SS` in local time; computed once a second, since `toTimeString` costs microseconds per call. */
function clockTime(time: Date): string {
  const second = Math.floor(time.getTime() / 1000);
  if (second !== clockSecond) {
    clockSecond = second;
    clockText = time.toTimeString().slice(0, 8);
  }
  return clockText;
}

/**
 * A logger writing one line per request to `write` (stdout by default). Lines are gathered and written
 * once per turn of the event loop: stdout to a file or a pipe is a synchronous write, which would
 * otherwise cost every request tens of microseconds under load.
 */
export function lineLogger(write: (text: string) => void = (text) => process.stdout.write(text)): RequestLogger {
  let pending = "";
  const flush = () => {
    const text = pending;
    pending = "";
    write(text);
  };
  return (entry) => {
    if (!pending) setImmediate(flush);
    pending += formatRequestLine(entry) + "\n";
  };
}
