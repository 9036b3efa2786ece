import { Action, Icon, launchCommand, LaunchType } from "@raycast/api";

/** Opens Connect to Relay, where this Mac pairs (again) with the relay. */
export function openConnectToRelay(): Promise<void> {
  return launchCommand({ name: "connect-to-relay", type: LaunchType.UserInitiated });
}

/** "Connect to Relay": the fix for a Mac that is not (or no longer) paired, or whose relay changed. */
export function ConnectToRelayAction() {
  return <Action title="Connect to Relay" icon={Icon.Plug} onAction={() => void openConnectToRelay()} />;
}
