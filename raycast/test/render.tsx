import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import type { ReactElement } from "react";
import { vi } from "vitest";
import { RelayDiscoveryContext } from "../src/hooks/use-relay-discovery";
import type { DiscoveredRelay, RelayLookup } from "../src/relay/discovery";
import { NavigationRoot } from "./raycast-api-double";

/** The relays "on the network" as a test says they are, found by the views' own lookups (never real mDNS). */
export function fakeNetwork(relays: DiscoveredRelay[] = []) {
  return {
    relays,
    browseRelays: (onChange: (found: DiscoveredRelay[]) => void) => {
      onChange([...relays]);
      return () => undefined;
    },
    findRelayById: vi.fn<RelayLookup>(async (relayId) => relays.find((relay) => relay.relayId === relayId)),
  };
}

/** Renders a command as Raycast would, inside a navigation stack, on `network` (by default one with no relay). */
export function renderCommand(element: ReactElement, network = fakeNetwork()) {
  return render(
    <RelayDiscoveryContext.Provider value={network}>
      <NavigationRoot>{element}</NavigationRoot>
    </RelayDiscoveryContext.Provider>,
  );
}

/** Runs the action with this title (the first one when several views show it). */
export async function runAction(title: string | RegExp): Promise<void> {
  const button = (await screen.findAllByRole("menuitem", { name: title }))[0];
  await act(async () => {
    fireEvent.click(button);
  });
}

/** The elements matching `selector` in the view on top of the navigation stack. */
export function visible(selector: string): Element[] {
  return Array.from(document.querySelectorAll(selector)).filter((element) => !element.closest("[hidden]"));
}

/** The markdown of the Detail on screen. */
export function markdown(): string {
  const [shown] = visible("[data-testid='markdown']");
  if (!shown) throw new Error("no Detail on screen");
  return shown.textContent ?? "";
}

/** Waits until the view on screen stops loading. */
export async function waitUntilLoaded(timeout = 5000): Promise<void> {
  await waitFor(
    () => {
      if (visible("[aria-busy='true']").length > 0) throw new Error("still loading");
    },
    { timeout },
  );
}

/** The metadata value shown for a label. */
export function metadata(label: string): string | undefined {
  const terms = visible("dt");
  const term = terms.find((dt) => dt.textContent === label);
  return term?.nextElementSibling?.textContent ?? undefined;
}

/** Waits until a Detail is on screen and done loading (after a push, the previous view may be idle already). */
export async function waitForDetail(timeout = 5000): Promise<void> {
  await waitFor(
    () => {
      const [detail] = visible("[data-view='Detail']");
      if (!detail || detail.getAttribute("aria-busy") === "true") throw new Error("no finished Detail yet");
    },
    { timeout },
  );
}
