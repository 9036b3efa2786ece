import { buildRelay } from "../../scripts/build-relay.ts";

/**
 * Compiles the relay to dist/ once, before any test file runs. Test files that start the relay as a process run
 * in parallel: each compiling on its own would rewrite dist/ while another file's relay is loading it.
 */
export default function setup(): void {
  buildRelay();
}
