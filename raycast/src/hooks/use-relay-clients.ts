import { useEffect } from "react";
import { holdRelayClients } from "../relay/clients";

/** Keeps the command's relay clients (and their open connection) while the calling view is on screen. */
export function useRelayClients(): void {
  useEffect(() => holdRelayClients(), []);
}
