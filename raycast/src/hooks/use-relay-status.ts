import { useEffect, useState } from "react";
import { getRelayConnection, withPairedRelay } from "../api/connection";
import { checkRelayHealth, NotPairedError } from "../api/relay-client";
import { describeFailure, type FailureDescription } from "../helpers/errors";

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

/** Checks the relay once (menu bar commands run, then unload until their next interval). */
export function useRelayStatus() {
  const [status, setStatus] = useState<RelayStatus>();
  const [isLoading, setIsLoading] = useState(true);

  useEffect(() => {
    (async () => {
      let address = "";
      try {
        const paired = await getRelayConnection();
        address = paired.address;
        const health = await withPairedRelay(paired, (connection) => {
          address = connection.address;
          return checkRelayHealth(connection, { timeoutMs: 4_000 });
        });
        setStatus({ paired: true, address, ok: true, version: health.version, latencyMs: health.latencyMs });
      } catch (error) {
        const paired = !(error instanceof NotPairedError);
        setStatus({ paired, address, ok: false, failure: describeFailure(error, { address }) });
      } finally {
        setIsLoading(false);
      }
    })();
  }, []);

  return { status, isLoading };
}
