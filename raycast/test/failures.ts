import { APIConnectionError } from "openai";
import { PinMismatchError } from "../src/failures/errors";
import { createRelayClient } from "../src/relay/transport";
import { fakeFetch } from "./fake-openai";

/** The client's connection error for a connection that failed with `code`, deep in the cause chain as undici puts it. */
export function connectionError(code: string): APIConnectionError {
  const inner = Object.assign(new Error(`connect ${code}`), { code });
  return new APIConnectionError({ cause: Object.assign(new TypeError("fetch failed"), { cause: inner }) });
}

/** The client's connection error when the relay showed another certificate than the paired one. */
export function pinError(): APIConnectionError {
  return new APIConnectionError({
    cause: new TypeError("fetch failed", { cause: new PinMismatchError("another certificate") }),
  });
}

/** The error the official client raises for this response. */
export async function errorFor(response: Response): Promise<unknown> {
  const { fetch } = fakeFetch(() => response.clone());
  const client = createRelayClient({ address: "10.0.0.2", scheme: "http" }, "sk-test-1", { fetch, maxRetries: 0 });
  return client.chat.completions.create({ model: "gpt-4.1-mini", messages: [{ role: "user", content: "hi" }] }).then(
    () => undefined,
    (error: unknown) => error,
  );
}
