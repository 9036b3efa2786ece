import { Action, Icon } from "@raycast/api";
import { openConnectToRelay } from "../helpers/launch";

/** "Connect to Relay": the fix for a Mac that is not (or no longer) paired, or whose relay changed. */
export function ConnectToRelayAction() {
  return <Action title="Connect to Relay" icon={Icon.Plug} onAction={() => void openConnectToRelay()} />;
}
