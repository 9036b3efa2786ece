import { APIConnectionError, APIConnectionTimeoutError, APIUserAbortError } from "openai";
import { describe, expect, it } from "vitest";
// The relay's own list of the codes it sends, and its marker: the contract this file holds the extension to.
import { RELAY_ERROR_CODES, RELAY_ERROR_TYPE as RELAY_MARKER } from "../../../relay/src/errors";
import { errorResponse } from "../../test/fake-openai";
import { connectionError, errorFor, pinError } from "../../test/failures";
import { closedPort } from "../../test/ports";
import { createRelayClient } from "../relay/transport";
import { causeCodes, classifyFailure, isCancellation, isRelayUnreachable, RELAY_ERROR_TYPE } from "./classify";
import { AttachmentTooLargeError, NothingToAttachError, PinMismatchError, RelayUnreachableError } from "./errors";

describe("classifyFailure", () => {
  it("knows the relay's marker by the relay's own name for it", () => {
    expect(RELAY_ERROR_TYPE).toBe(RELAY_MARKER);
  });

  it.each(RELAY_ERROR_CODES.flatMap((code) => [400, 401, 429, 502].map((status) => [code, status] as const)))(
    "takes a marked %s (status %i) as the relay's own failure, with its code",
    async (code, status) => {
      const error = await errorFor(errorResponse(status, { message: "relay says", type: RELAY_ERROR_TYPE, code }));
      expect(classifyFailure(error)).toMatchObject({ kind: "relay", code });
    },
  );

  // An upstream (OpenAI, a local server) may use a code the relay also uses: without the marker, it is the upstream's.
  it.each(RELAY_ERROR_CODES.flatMap((code) => [400, 401, 429, 502].map((status) => [code, status] as const)))(
    "takes an unmarked %s (status %i) as the upstream's failure, not the relay's",
    async (code, status) => {
      const message = "We could not parse the JSON body of your request.";
      const failure = classifyFailure(
        await errorFor(errorResponse(status, { message, type: "invalid_request_error", code })),
      );
      expect(failure.kind).not.toBe("relay");
      expect(failure.code).toBeUndefined();
    },
  );

  it.each([
    [401, "invalid_api_key", "openai_key_refused"],
    [404, "model_not_found", "openai_model_unknown"],
    [429, "insufficient_quota", "openai_quota"],
    [429, "rate_limit_exceeded", "openai_rate_limited"],
    [403, "unsupported_country_region_territory", "openai_permission"],
    [400, "context_length_exceeded", "openai_context_too_long"],
    [400, "invalid_value", "openai_refused"],
    [500, "server_error", "openai_failed"],
    [409, "conflict", "request_failed"],
  ])("takes OpenAI's %i %s as %s", async (status, code, kind) => {
    const error = await errorFor(
      errorResponse(status, { message: "OpenAI says", type: "invalid_request_error", code }),
    );
    expect(classifyFailure(error).kind).toBe(kind);
  });

  it("takes a 404 that names no model as something that is not a relay", async () => {
    expect(classifyFailure(await errorFor(new Response("Not Found", { status: 404 }))).kind).toBe("not_a_relay");
  });

  it("passes on the wait an answer asks for", async () => {
    const headers = { "retry-after": "20" };
    const body = { message: "slow down", type: RELAY_ERROR_TYPE, code: "relay_busy" };
    expect(classifyFailure(await errorFor(errorResponse(503, body, headers)))).toMatchObject({ retryAfter: 20 });
  });

  // Every X509 verify code Node's TLS can refuse a certificate with, the host check's, and the pin's own.
  it.each([
    "PASSERELLE_PIN_MISMATCH",
    "DEPTH_ZERO_SELF_SIGNED_CERT",
    "SELF_SIGNED_CERT_IN_CHAIN",
    "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "UNABLE_TO_GET_ISSUER_CERT",
    "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
    "UNABLE_TO_DECRYPT_CERT_SIGNATURE",
    "UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY",
    "CERT_SIGNATURE_FAILURE",
    "CERT_NOT_YET_VALID",
    "CERT_HAS_EXPIRED",
    "ERROR_IN_CERT_NOT_BEFORE_FIELD",
    "ERROR_IN_CERT_NOT_AFTER_FIELD",
    "CERT_CHAIN_TOO_LONG",
    "CERT_REVOKED",
    "INVALID_CA",
    "PATH_LENGTH_EXCEEDED",
    "INVALID_PURPOSE",
    "CERT_UNTRUSTED",
    "CERT_REJECTED",
    "HOSTNAME_MISMATCH",
    "ERR_TLS_CERT_ALTNAME_INVALID",
  ])("takes %s as a certificate refusal, never a network problem", (code) => {
    expect(classifyFailure(connectionError(code), "https://10.0.0.2:8787")).toEqual({
      kind: "certificate_refused",
      address: "https://10.0.0.2:8787",
    });
    expect(isRelayUnreachable(connectionError(code))).toBe(false);
  });

  it.each([
    ["ECONNREFUSED", "ECONNREFUSED"],
    ["UND_ERR_SOCKET", "ECONNRESET"],
    ["UND_ERR_CONNECT_TIMEOUT", "ETIMEDOUT"],
    ["EAI_AGAIN", "ENOTFOUND"],
    ["ERR_SSL_WRONG_VERSION_NUMBER", "EPROTO"],
  ])("takes %s deep in the cause chain as the network's %s", (code, words) => {
    expect(classifyFailure(connectionError(code))).toMatchObject({ kind: "connection", code: words });
  });

  it("takes a connection that closed mid-answer (undici's terminated) as a cut stream, with the address", () => {
    const failure = classifyFailure(new TypeError("terminated"), "https://10.0.0.2:8787");
    expect(failure).toEqual({ kind: "stream_cut", address: "https://10.0.0.2:8787" });
    expect(classifyFailure(new TypeError("fetch failed")).kind).toBe("connection");
  });

  it("takes the client's own timeout apart from a connection that timed out", () => {
    expect(classifyFailure(new APIConnectionTimeoutError()).kind).toBe("client_timeout");
    expect(classifyFailure(connectionError("ETIMEDOUT"))).toMatchObject({ kind: "connection", code: "ETIMEDOUT" });
  });

  it("takes an extension's own failure by its code, with its facts", () => {
    const facts = { fileName: "scan.pdf", bytes: 25_000_000, limit: 20_000_000 };
    expect(classifyFailure(new AttachmentTooLargeError("too large", facts))).toMatchObject({
      kind: "PASSERELLE_ATTACHMENT_TOO_LARGE",
      facts,
    });
    expect(classifyFailure(new NothingToAttachError("none", { where: "finder" }))).toMatchObject({
      kind: "PASSERELLE_NOTHING_TO_ATTACH",
      facts: { where: "finder" },
    });
  });

  it("takes a relay not found again with its address and the network's code from its cause", () => {
    const address = "https://10.0.0.2:8787";
    const error = new RelayUnreachableError("not found again", { address }, { cause: connectionError("EHOSTUNREACH") });
    expect(classifyFailure(error)).toEqual({ kind: "PASSERELLE_RELAY_UNREACHABLE", code: "EHOSTUNREACH", address });
  });

  it("leaves anything else unknown, with its own words", () => {
    expect(classifyFailure(new Error("boom"))).toEqual({ kind: "unknown", message: "boom" });
    expect(classifyFailure("odd")).toEqual({ kind: "unknown", message: "odd" });
  });
});

describe("causeCodes", () => {
  it("lists the codes of a cause chain outermost first, inside aggregates, and stops at a loop", () => {
    const inner = Object.assign(new Error("refused"), { code: "ECONNREFUSED" });
    const looped: Error & { cause?: unknown } = Object.assign(new Error("loop"), { code: "LOOP" });
    looped.cause = looped;
    const outer = Object.assign(new Error("outer", { cause: new AggregateError([inner, looped]) }), { code: "OUTER" });
    expect(causeCodes(outer)).toEqual(["OUTER", "ECONNREFUSED", "LOOP"]);
    expect(causeCodes(undefined)).toEqual([]);
  });
});

describe("isRelayUnreachable", () => {
  it.each(["ECONNREFUSED", "EHOSTUNREACH", "ETIMEDOUT", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"])(
    "is true for %s in the cause chain of the client's connection error",
    (code) => {
      expect(isRelayUnreachable(connectionError(code))).toBe(true);
    },
  );

  it("is false for a certificate or pin error, even next to a connection code", () => {
    expect(isRelayUnreachable(pinError())).toBe(false);
    expect(isRelayUnreachable(connectionError("DEPTH_ZERO_SELF_SIGNED_CERT"))).toBe(false);
    const both = new APIConnectionError({
      cause: new AggregateError([
        Object.assign(new Error("refused"), { code: "ECONNREFUSED" }),
        new PinMismatchError("another certificate"),
      ]),
    });
    expect(isRelayUnreachable(both)).toBe(false);
  });

  it("is false for answers, cancellations and codes that do not mean the relay moved", async () => {
    expect(isRelayUnreachable(await errorFor(new Response("Not Found", { status: 404 })))).toBe(false);
    expect(isRelayUnreachable(new APIUserAbortError())).toBe(false);
    expect(isRelayUnreachable(connectionError("ECONNRESET"))).toBe(false);
    expect(isRelayUnreachable(new Error("ECONNREFUSED"))).toBe(false);
  });

  it("is true for a refused connection from a real socket", async () => {
    const client = createRelayClient({ address: `127.0.0.1:${await closedPort()}`, scheme: "http" }, "sk-test-1", {
      maxRetries: 0,
    });
    expect(isRelayUnreachable(await client.models.list().catch((caught: unknown) => caught))).toBe(true);
  });
});

describe("isCancellation", () => {
  it("recognises a cancelled request", () => {
    expect(isCancellation(new APIUserAbortError())).toBe(true);
    expect(isCancellation(new DOMException("aborted", "AbortError"))).toBe(true);
    expect(isCancellation(new Error("boom"))).toBe(false);
  });
});
