import { useEffect, useState } from "react";
import { getRelayConnection } from "../api/connection";
import { checkRelayHealth } from "../api/relay-client";
import { describeFailure, type FailureDescription } from "../helpers/errors";

/** Whether the relay answers `/health`, how fast, and its version. */
export interface RelayStatus {
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
        const connection = await getRelayConnection();
        address = connection.address;
        const health = await checkRelayHealth(connection, { timeoutMs: 4_000 });
        setStatus({ address, ok: true, version: health.version, latencyMs: health.latencyMs });
      } catch (error) {
        setStatus({ address, ok: false, failure: describeFailure(error, { address }) });
      } finally {
        setIsLoading(false);
      }
    })();
  }, []);

  return { status, isLoading };
}
