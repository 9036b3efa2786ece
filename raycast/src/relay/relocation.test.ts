import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { APIUserAbortError } from "openai";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { makeSelfSignedCertificate, type TestCertificate } from "../../test/certificates";
import { connectionError, pinError } from "../../test/failures";
import { closedPort } from "../../test/ports";
import { describeFailure } from "../failures/describe";
import { RelayUnreachableError } from "../failures/errors";
import { createRelayClient, type RelayConnection } from "./transport";
import { withRelocation } from "./relocation";

const paired = { address: "https://10.77.0.1:8787", scheme: "https" as const, deviceToken: "psr_token" };
const moved = { ...paired, address: "https://10.77.0.3:8787" };

/** A request that fails with `failures` in turn, then answers with the address it was sent to. */
function requestFailing(...failures: unknown[]) {
  return vi.fn(async (connection: RelayConnection) => {
    const failure = failures.shift();
    if (failure) throw failure;
    return `answered at ${connection.address}`;
  });
}

function lookups(found: typeof moved | undefined) {
  return { relocate: vi.fn(async () => found), save: vi.fn(async () => undefined) };
}

describe("withRelocation", () => {
  it("does nothing more when the relay answers at its address", async () => {
    const deps = lookups(moved);
    const run = requestFailing();
    expect(await withRelocation(paired, run, deps)).toBe(`answered at ${paired.address}`);
    expect(deps.relocate).not.toHaveBeenCalled();
    expect(deps.save).not.toHaveBeenCalled();
  });

  it.each(["ECONNREFUSED", "EHOSTUNREACH", "ETIMEDOUT", "ENETUNREACH"])(
    "after %s, finds the relay by id, asks once more at its new address, and keeps that address",
    async (code) => {
      const deps = lookups(moved);
      const run = requestFailing(connectionError(code));
      expect(await withRelocation(paired, run, deps)).toBe(`answered at ${moved.address}`);
      expect(deps.relocate).toHaveBeenCalledWith(paired);
      expect(run.mock.calls.map(([connection]) => connection)).toEqual([paired, moved]);
      expect(deps.save).toHaveBeenCalledWith(moved);
    },
  );

  it("says the relay is unreachable, with the first failure as cause, when it is not found again", async () => {
    const deps = lookups(undefined);
    const first = connectionError("EHOSTUNREACH");
    const run = requestFailing(first);
    const error = await withRelocation(paired, run, deps).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RelayUnreachableError);
    expect((error as RelayUnreachableError).cause).toBe(first);
    expect(run).toHaveBeenCalledTimes(1);
    expect(deps.save).not.toHaveBeenCalled();
    expect(describeFailure(error).message).toMatch(/Connect to Relay/);
  });

  it("does not ask again when the relay is found at the same address", async () => {
    const deps = lookups({ ...paired });
    const run = requestFailing(connectionError("ECONNREFUSED"));
    await expect(withRelocation(paired, run, deps)).rejects.toBeInstanceOf(RelayUnreachableError);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it("keeps a certificate error a refusal: no lookup, no retry", async () => {
    const deps = lookups(moved);
    const refused = pinError();
    const run = requestFailing(refused);
    await expect(withRelocation(paired, run, deps)).rejects.toBe(refused);
    expect(deps.relocate).not.toHaveBeenCalled();
    expect(describeFailure(refused).title).toBe("Relay certificate does not match");
  });

  it("keeps the old address when the relay found at the new one shows another certificate", async () => {
    const deps = lookups(moved);
    const refused = pinError();
    const run = requestFailing(connectionError("ECONNREFUSED"), refused);
    await expect(withRelocation(paired, run, deps)).rejects.toBe(refused);
    expect(run).toHaveBeenCalledTimes(2);
    expect(deps.save).not.toHaveBeenCalled();
  });

  it("says unreachable, at the new address, when the relay does not answer there either", async () => {
    const deps = lookups(moved);
    const run = requestFailing(connectionError("ECONNREFUSED"), connectionError("ETIMEDOUT"));
    const error = await withRelocation(paired, run, deps).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RelayUnreachableError);
    expect((error as RelayUnreachableError).facts.address).toBe(moved.address);
    expect(run).toHaveBeenCalledTimes(2);
    expect(deps.save).not.toHaveBeenCalled();
  });

  it("never starts again a request that already showed something", async () => {
    const deps = lookups(moved);
    const cut = connectionError("ETIMEDOUT");
    await expect(withRelocation(paired, requestFailing(cut), { ...deps, canRetry: () => false })).rejects.toBe(cut);
    expect(deps.relocate).not.toHaveBeenCalled();
  });

  it("stops looking when the person cancels", async () => {
    const controller = new AbortController();
    const relocate = vi.fn(() => new Promise<typeof moved | undefined>(() => undefined)); // never finds
    const pending = withRelocation(paired, requestFailing(connectionError("ECONNREFUSED")), {
      relocate,
      save: vi.fn(),
      signal: controller.signal,
    });
    await vi.waitFor(() => expect(relocate).toHaveBeenCalled());
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(APIUserAbortError);
  });
});

describe("withRelocation with the real client", () => {
  let relay: TestCertificate;
  let server: Server;
  let address: string;
  const tokens: (string | undefined)[] = [];

  beforeAll(async () => {
    relay = await makeSelfSignedCertificate("passerelle-relocation-test");
    server = createServer({ key: relay.keyPem, cert: relay.certPem, minVersion: "TLSv1.3" }, (req, res) => {
      tokens.push(req.headers["x-passerelle-token"] as string | undefined);
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ object: "list", data: [{ id: "gpt-4.1-mini", object: "model", owned_by: "openai" }] }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    address = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("moves from a refused address to the relay's new one, pinned and with the token", async () => {
    const stale = {
      address: `https://127.0.0.1:${await closedPort()}`,
      scheme: "https" as const,
      certificatePem: relay.certPem,
      fingerprint256: relay.fingerprint256,
      deviceToken: "psr_token",
    };
    const save = vi.fn(async () => undefined);
    const list = (connection: RelayConnection) =>
      createRelayClient(connection, "sk-test-1", { maxRetries: 0 }).models.list();
    const models = await withRelocation(stale, list, { relocate: async (c) => ({ ...c, address }), save });
    expect(models.data.map((model) => model.id)).toEqual(["gpt-4.1-mini"]);
    expect(tokens).toEqual(["psr_token"]);
    expect(save).toHaveBeenCalledWith(expect.objectContaining({ address }));
  });
});
