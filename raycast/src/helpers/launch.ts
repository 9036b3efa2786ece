import { launchCommand, LaunchType } from "@raycast/api";

/** Opens Connect to Relay, where this Mac pairs (again) with the relay. */
export function openConnectToRelay(): Promise<void> {
  return launchCommand({ name: "connect-to-relay", type: LaunchType.UserInitiated });
}
