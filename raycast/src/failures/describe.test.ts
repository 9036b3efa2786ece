import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { APIConnectionError } from "openai";
import { describe, expect, it } from "vitest";
// The relay's own list of the codes it sends: the contract this file holds the extension to.
import { RELAY_ERROR_CODES } from "../../../relay/src/errors";
import { makeSelfSignedCertificate } from "../../test/certificates";
import { responseEvent } from "../../test/fake-responses";
import { chunkEvent, errorResponse, fakeFetch, sseResponse } from "../../test/fake-openai";
import { connectionError, errorFor, pinError } from "../../test/failures";
import { closedPort } from "../../test/ports";
import { streamCompletion } from "../openai/completion";
import { parseRelayAddress } from "../relay/address";
import { createRelayClient } from "../relay/transport";
import { isRelayUnreachable, RELAY_ERROR_TYPE } from "./classify";
import { describeFailure } from "./describe";
import {
  AttachmentTooLargeError,
  AttachmentUnusableError,
  CertificateMismatchError,
  NothingSelectedError,
  NothingToAttachError,
  NotPairedError,
  PairingCodeError,
  RelayNotFoundError,
  RelayUnreachableError,
  RequestTooLargeError,
  ScreenRecordingDeniedError,
} from "./errors";
import { RELAY_FAILURES } from "./relay-wording";

/** Titles that say nothing about what happened: no failure the relay can send may end on one of them. */
const GENERIC_TITLES = ["Something went wrong", "Request failed", "OpenAI had a problem", "OpenAI refused the request"];

describe("describeFailure", () => {
  it("tells to check the key when OpenAI answers 401, without echoing the key", async () => {
    const error = await errorFor(
      errorResponse(401, {
        message: "Incorrect API key provided: sk-test-1*****abcd. You can find your API key at …",
        type: "invalid_request_error",
        code: "invalid_api_key",
      }),
    );
    const failure = describeFailure(error);
    expect(failure.title).toBe("API key refused by OpenAI");
    expect(failure.message).toMatch(/preferences/);
    expect(failure.fix).toBe("preferences");
    expect(failure.detail).not.toContain("sk-test-1");
  });

  it("names the unknown model", async () => {
    const error = await errorFor(
      errorResponse(404, {
        message: "The model `gpt-9` does not exist or you do not have access to it.",
        type: "invalid_request_error",
        code: "model_not_found",
      }),
    );
    const failure = describeFailure(error, { model: "gpt-9" });
    expect(failure.title).toBe("Model unknown");
    expect(failure.message).toContain('"gpt-9"');
  });

  it("says a 404 without a model code means the address is not a relay", async () => {
    const error = await errorFor(new Response("Not Found", { status: 404 }));
    expect(describeFailure(error).title).toBe("Not a relay at this address");
  });

  it("tells quota apart from rate limiting", async () => {
    const quota = await errorFor(
      errorResponse(429, {
        message: "You exceeded your current quota",
        type: "insufficient_quota",
        code: "insufficient_quota",
      }),
    );
    const rate = await errorFor(
      errorResponse(
        429,
        { message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded" },
        { "retry-after": "20" },
      ),
    );
    expect(describeFailure(quota).title).toBe("OpenAI quota exceeded");
    expect(describeFailure(quota).message).toMatch(/credit/);
    expect(describeFailure(rate).title).toBe("Too many requests");
    expect(describeFailure(rate).message).toContain("20 s");
  });

  // Whatever status the relay pairs a code with (its 401 is not OpenAI's 401, its 502 not OpenAI's outage).
  it.each(RELAY_ERROR_CODES.flatMap((code) => [400, 401, 413, 429, 502, 504].map((status) => [code, status] as const)))(
    "words the relay's %s (status %i) as the relay's failure, not a generic one",
    async (code, status) => {
      const error = await errorFor(errorResponse(status, { message: "relay says", type: RELAY_ERROR_TYPE, code }));
      const failure = describeFailure(error);
      expect(failure.title).toBe(RELAY_FAILURES[code].title);
      expect(GENERIC_TITLES).not.toContain(failure.title);
      expect(failure.fix).toBe(RELAY_FAILURES[code].fix);
    },
  );

  it("words an upstream's invalid_json as OpenAI's refusal, in OpenAI's words", async () => {
    const message = "We could not parse the JSON body of your request.";
    const error = await errorFor(errorResponse(400, { message, type: "invalid_request_error", code: "invalid_json" }));
    expect(describeFailure(error)).toMatchObject({ title: "OpenAI refused the request", message: `400 ${message}` });
  });

  it("words a relay failure that arrives mid-stream as an SSE error event", async () => {
    const { fetch } = fakeFetch(() =>
      sseResponse([
        chunkEvent("Half an"),
        `event: error\ndata: ${JSON.stringify({ error: { message: "stopped", type: RELAY_ERROR_TYPE, param: null, code: "upstream_idle_timeout" } })}\n\n`,
      ]),
    );
    const client = createRelayClient({ address: "10.0.0.2", scheme: "http" }, "sk-test-1", { fetch, maxRetries: 0 });
    const pieces: string[] = [];
    const error = await streamCompletion(
      client,
      { model: "gpt-4.1-mini", messages: [{ role: "user", content: "hi" }], api: "chat" },
      (text) => pieces.push(text),
    ).catch((caught: unknown) => caught);
    expect(pieces).toEqual(["Half an"]);
    expect(describeFailure(error).title).toBe(RELAY_FAILURES.upstream_idle_timeout.title);
  });

  it("words it the same in the middle of a Responses API stream", async () => {
    const { fetch } = fakeFetch(() =>
      sseResponse([
        responseEvent(
          "response.output_text.delta",
          { item_id: "m", output_index: 0, content_index: 0, delta: "Half an", logprobs: [] },
          1,
        ),
        `event: error\ndata: ${JSON.stringify({ error: { message: "cut", type: RELAY_ERROR_TYPE, param: null, code: "upstream_closed" } })}\n\n`,
      ]),
    );
    const client = createRelayClient({ address: "10.0.0.2", scheme: "http" }, "sk-test-1", { fetch, maxRetries: 0 });
    const pieces: string[] = [];
    const error = await streamCompletion(
      client,
      { model: "gpt-4.1-mini", messages: [{ role: "user", content: "hi" }] },
      (text) => pieces.push(text),
    ).catch((caught: unknown) => caught);
    expect(pieces).toEqual(["Half an"]);
    expect(describeFailure(error).title).toBe(RELAY_FAILURES.upstream_closed.title);
  });

  it("keeps Connect to Relay as the fix when the relay no longer knows this Mac", async () => {
    const error = await errorFor(
      errorResponse(401, { message: "unknown device", type: RELAY_ERROR_TYPE, code: "device_token_invalid" }),
    );
    expect(describeFailure(error)).toMatchObject({ title: "Mac not paired with this relay", fix: "connect-to-relay" });
  });

  it("gives the wait for too_many_failures", async () => {
    const error = await errorFor(
      errorResponse(
        429,
        { message: "slow down", type: RELAY_ERROR_TYPE, code: "too_many_failures" },
        { "retry-after": "30" },
      ),
    );
    expect(describeFailure(error)).toMatchObject({
      title: "Relay is pausing",
      message: expect.stringContaining("30 s"),
    });
  });

  it("explains a refused connection from a real socket", async () => {
    const address = `127.0.0.1:${await closedPort()}`;
    const client = createRelayClient({ address, scheme: "http" }, "sk-test-1", { maxRetries: 0 });
    const error = await client.models.list().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(APIConnectionError);
    const failure = describeFailure(error, { address });
    expect(failure.title).toBe(`Relay not running (${address})`);
    expect(failure.detail).toContain("ECONNREFUSED");
  });

  it.each([
    ["ETIMEDOUT", /same Wi-Fi/],
    ["EHOSTUNREACH", /same Wi-Fi/],
    ["ENOTFOUND", /IP address/],
    ["UND_ERR_CONNECT_TIMEOUT", /firewall/],
  ])("explains %s found deep in the cause chain", (code, advice) => {
    expect(describeFailure(connectionError(code)).message).toMatch(advice);
  });

  it("calls an impostor with the paired certificate's name a certificate refusal (a real TLS server)", async () => {
    const name = `passerelle-impostor-${process.pid}`;
    const [paired, impostor] = [await makeSelfSignedCertificate(name), await makeSelfSignedCertificate(name)];
    const server = createServer({ cert: impostor.certPem, key: impostor.keyPem }, (_req, res) => res.end("{}"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
      const client = createRelayClient(
        { address, scheme: "https", certificatePem: paired.certPem, fingerprint256: paired.fingerprint256 },
        "sk-test-1",
        { maxRetries: 0 },
      );
      const error = await client.models.list().catch((caught: unknown) => caught);
      expect(describeFailure(error, { address }).title).toBe("Relay certificate does not match");
      expect(isRelayUnreachable(error)).toBe(false);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("words each failure of pairing itself", () => {
    expect(describeFailure(new PairingCodeError("not a code")).title).toBe("Not a pairing code");
    expect(describeFailure(new CertificateMismatchError("another certificate")).title).toBe(
      "Not the relay of this code",
    );
    expect(describeFailure(new RelayNotFoundError("not announced")).title).toBe("Relay not found");
  });

  it("explains a refused certificate or pin", () => {
    expect(describeFailure(pinError())).toMatchObject({
      title: "Relay certificate does not match",
      message: expect.stringMatching(/pair again with Connect to Relay/),
      fix: "connect-to-relay",
    });
    expect(describeFailure(connectionError("DEPTH_ZERO_SELF_SIGNED_CERT")).title).toBe(
      "Relay certificate does not match",
    );
  });

  it("keeps what arrived when the connection closes mid-answer, and says to Regenerate", () => {
    expect(describeFailure(new TypeError("terminated"), { address: "https://10.0.0.2:8787" })).toMatchObject({
      title: "Relay stopped mid-answer (https://10.0.0.2:8787)",
      message: expect.stringMatching(/What arrived is kept; Regenerate to ask again\.$/),
    });
  });

  it("says how to pair when this Mac is not paired, with Connect to Relay as the fix", () => {
    expect(describeFailure(new NotPairedError("no relay stored"))).toMatchObject({
      title: "This Mac is not paired with a relay yet",
      message:
        "Run Connect to Relay in Raycast, and on the PC press p in the relay's window or run `npx passerelle pair`.",
      fix: "connect-to-relay",
    });
  });

  it("lists what to check when the paired relay is neither at its address nor found again", () => {
    const address = "https://10.0.0.2:8787";
    const error = new RelayUnreachableError("not found again", { address }, { cause: connectionError("EHOSTUNREACH") });
    const failure = describeFailure(error);
    expect(failure.title).toBe("PC not reachable (https://10.0.0.2:8787)");
    expect(failure.message).toMatch(/same Wi-Fi/);
    expect(failure.message).toMatch(/relay started/);
    expect(failure.message).toContain("`npx passerelle setup`");
    expect(failure.message).toMatch(/address changed.*Connect to Relay/);
    expect(failure.fix).toBe("connect-to-relay");
    expect(failure.detail).toContain("EHOSTUNREACH");
  });

  it("passes on the address error's own words", () => {
    let error: unknown;
    try {
      parseRelayAddress("hello world");
    } catch (caught) {
      error = caught;
    }
    expect(describeFailure(error)).toMatchObject({ title: "Relay address not usable", fix: "connect-to-relay" });
  });
});

describe("describeFailure for files and the screen", () => {
  it("names a file too large and the limit, and says nothing was sent", () => {
    const facts = { fileName: "scan.pdf", bytes: 25_000_000, limit: 20_000_000 };
    expect(describeFailure(new AttachmentTooLargeError("too large", facts))).toMatchObject({
      title: "scan.pdf is too large",
      message: "It is 25 MB; Passerelle sends files of up to 20 MB. Nothing was sent: choose a smaller file.",
    });
  });

  it("names the files and the relay's --max-body when together they are too large", () => {
    const facts = { bytes: 5_800_000, limit: 5_000_000, fileNames: ["a.png", "b.pdf"] };
    const failure = describeFailure(new RequestTooLargeError("too large", facts));
    expect(failure.title).toBe("Too large for the relay");
    expect(failure.message).toBe(
      "With a.png, b.pdf the request is 5.8 MB; the relay accepts 5 MB (its --max-body). Nothing was sent: attach fewer files, or raise --max-body on the relay.",
    );
  });

  it("says where to grant Screen Recording, with the action that opens it", () => {
    expect(describeFailure(new ScreenRecordingDeniedError("refused"))).toMatchObject({
      title: "Raycast may not record the screen",
      message: expect.stringContaining("Privacy & Security → Screen & System Audio Recording"),
      fix: "screen-recording",
    });
  });

  it("says a file from History is gone", () => {
    const gone = new AttachmentUnusableError("gone", { fileName: "photo.png", reason: "missing" });
    expect(describeFailure(gone)).toMatchObject({
      title: "File no longer available",
      message: "photo.png is no longer available. It was moved or deleted since it was chosen.",
    });
  });
});

describe("describeFailure for an Attach action that finds nothing", () => {
  it("says where it looked and what to do", () => {
    expect(describeFailure(new NothingToAttachError("none", { where: "clipboard" }))).toMatchObject({
      title: "Nothing to attach",
      message: "The clipboard holds no image or file. Copy an image or a file first.",
    });
    expect(describeFailure(new NothingToAttachError("none", { where: "finder" }))).toMatchObject({
      title: "Nothing to attach",
      message: "No file is selected in Finder. Bring Finder to the front with files selected.",
    });
  });

  it("says what Ask About Selection needs when nothing is selected or copied", () => {
    expect(describeFailure(new NothingSelectedError("none"))).toMatchObject({
      title: "Nothing to ask about",
      message:
        "No file is selected in Finder, and the clipboard holds no image or file. Select files in Finder, or copy an image or a file, then run Ask About Selection.",
    });
  });
});
