/** undici's connection pool, connector and errors, loaded without the rest of undici. */
import { createRequire } from "node:module";
import type * as Undici from "undici";

const require = createRequire(import.meta.url);

/**
 * undici's Pool and error classes without the rest of undici: its entry point also loads fetch, WebSocket,
 * EventSource, caches and mocks (~90 more modules, ~7 MB of memory the relay never uses). Falls back to the
 * entry point should a later undici move these files.
 */
function load(): {
  Pool: typeof Undici.Pool;
  errors: typeof Undici.errors;
  buildConnector: typeof Undici.buildConnector;
} {
  try {
    return {
      Pool: require("undici/lib/dispatcher/pool.js") as typeof Undici.Pool,
      errors: require("undici/lib/core/errors.js") as typeof Undici.errors,
      buildConnector: require("undici/lib/core/connect.js") as typeof Undici.buildConnector,
    };
  } catch {
    const undici = require("undici") as typeof Undici;
    return { Pool: undici.Pool, errors: undici.errors, buildConnector: undici.buildConnector };
  }
}

export const { Pool, errors, buildConnector } = load();
