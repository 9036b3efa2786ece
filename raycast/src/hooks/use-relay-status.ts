import { usePromise } from "@raycast/utils";
import { getRelayConnection, withPairedRelay } from "../relay/connection";
import { NotPairedError } from "../failures/errors";
import { checkRelayHealth } from "../relay/transport";
import { describeFailure, type FailureDescription } from "../failures/describe";
import type { RelayLookup } from "../relay/discovery";
import { useRelayDiscovery } from "./use-relay-discovery";

/** Whether the paired relay answers `/health` (pinned TLS, device token), how fast, and its version. */
export interface RelayStatus {
  /** False when this Mac has not paired with a relay yet. */
  paired: boolean;
  address: string;
  ok: boolean;
  version?: string;
  latencyMs?: number;
  failure?: FailureDescription;
}

/** The relay's status as the menu bar shows it; never throws (a failure is part of the status). */
async function checkStatus(lookup: RelayLookup): Promise<RelayStatus> {
  let address = "";
  try {
    const paired = await getRelayConnection();
    address = paired.address;
    const health = await withPairedRelay(
      paired,
      (connection) => {
        address = connection.address;
        return checkRelayHealth(connection, { timeoutMs: 4_000 });
      },
      { lookup },
    );
    return { paired: true, address, ok: true, version: health.version, latencyMs: health.latencyMs };
  } catch (error) {
    const paired = !(error instanceof NotPairedError);
    return { paired, address, ok: false, failure: describeFailure(error, { address }) };
  }
}

/** Checks the relay once (menu bar commands run, then unload until their next interval). */
export function useRelayStatus() {
  const { findRelayById } = useRelayDiscovery();
  const { data: status, isLoading } = usePromise(checkStatus, [findRelayById]);
  return { status, isLoading };
}
