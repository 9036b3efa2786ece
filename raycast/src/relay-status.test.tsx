// @vitest-environment happy-dom
import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { TEST_DEVICE_TOKEN } from "../test/fake-openai-server";
import { usePairedFakeRelay } from "../test/paired-relay";
import { closedPort } from "../test/ports";
import { raycast } from "../test/raycast-api-double";
import { fakeNetwork, renderCommand, runAction, waitUntilLoaded } from "../test/render";
import { PAIRED_RELAY_KEY } from "./relay/connection";
import RelayStatus from "./relay-status";

const server = usePairedFakeRelay();

describe("Relay Status", () => {
  it("asks the paired relay, over its pinned certificate and with the device token, and shows latency and version", async () => {
    renderCommand(<RelayStatus />);
    await waitUntilLoaded();
    expect(screen.getByText(/^Relay answering in \d+ ms/)).toBeTruthy();
    expect(screen.getByText("Version 0.1.0")).toBeTruthy();
    expect(server.requests.at(-1)?.url).toBe("/health");
    expect(server.requests.at(-1)?.headers["x-passerelle-token"]).toBe(TEST_DEVICE_TOKEN);
  });

  it("shows Not paired, and what to do, when this Mac has not paired", async () => {
    raycast.storage.delete(PAIRED_RELAY_KEY);
    renderCommand(<RelayStatus />);
    await waitUntilLoaded();
    expect(screen.getByText("Not paired")).toBeTruthy();
    expect(screen.getByText(/Run Connect to Relay in Raycast/)).toBeTruthy();
    expect(server.requests).toHaveLength(0);
  });

  it("finds the relay again by id when its address stopped answering", async () => {
    const stale = server.pair(`127.0.0.1:${await closedPort()}`);
    renderCommand(
      <RelayStatus />,
      fakeNetwork([{ relayId: stale.relayId, name: "Passerelle", address: server.address }]),
    );
    await waitUntilLoaded();
    expect(screen.getByText(/^Relay answering in \d+ ms/)).toBeTruthy();
    expect(screen.getByText(`https://${server.address}`, { exact: false })).toBeTruthy();
    expect(JSON.parse(String(raycast.storage.get(PAIRED_RELAY_KEY))).address).toBe(`https://${server.address}`);
  });

  it("says what is wrong when nothing answers and the relay is not found again", async () => {
    server.pair(`127.0.0.1:${await closedPort()}`);
    const network = fakeNetwork();
    renderCommand(<RelayStatus />, network);
    await waitUntilLoaded();
    expect(screen.getByText(/^Relay not running/)).toBeTruthy();
    expect(screen.getByText(/npx passerelle setup/)).toBeTruthy();
    expect(network.findRelayById).toHaveBeenCalledTimes(1);
  });

  it("opens Ask, Chat and Connect to Relay", async () => {
    renderCommand(<RelayStatus />);
    await waitUntilLoaded();
    await runAction("Ask");
    await runAction("Chat");
    await runAction("Connect to Relay…");
    await waitFor(() =>
      expect(raycast.launched).toEqual([
        { name: "ask", type: "userInitiated" },
        { name: "chat", type: "userInitiated" },
        { name: "connect-to-relay", type: "userInitiated" },
      ]),
    );
    expect(raycast.openedPreferences).toBe(0);
  });
});
