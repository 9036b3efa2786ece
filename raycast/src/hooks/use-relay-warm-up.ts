import { useEffect } from "react";
import { warmUpRelay } from "../relay/warm-up";
import { useRelayClients } from "./use-relay-clients";

/**
 * For a view where the person first picks or types: opens the command's connection to the relay as it appears, and
 * keeps it while the view is on screen. Leaving the view cancels a warm-up still in flight.
 */
export function useRelayWarmUp(): void {
  useRelayClients();
  useEffect(() => {
    const controller = new AbortController();
    void warmUpRelay({ signal: controller.signal });
    return () => controller.abort();
  }, []);
}
