// The relay's architecture, checked by `npm run lint`: no import cycle, and each layer imports only those below it.
/** Shared with the extension's own configuration (raycast/.dependency-cruiser.mjs). */
export const noCycle = {
  name: "no-cycle",
  comment: "Modules that import each other cannot be understood, tested or loaded one at a time.",
  severity: "error",
  from: {},
  to: { circular: true },
};

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    noCycle,
    {
      name: "request-path-reads-down",
      comment: "A request goes http → auth → upstream: nothing on its way imports a step before it.",
      severity: "error",
      from: { path: "^relay/src/upstream/" },
      to: { path: "^relay/src/(http|auth)/" },
    },
    {
      name: "auth-below-http",
      comment: "The device check and pairing know nothing of the server that hands them requests.",
      severity: "error",
      from: { path: "^relay/src/auth/" },
      to: { path: "^relay/src/http/" },
    },
    {
      name: "request-path-apart-from-process",
      comment:
        "The request path runs the same under any front end: it never imports the window, the commands or the entry.",
      severity: "error",
      from: { path: "^relay/src/(http|auth|upstream)/" },
      to: { path: "^relay/src/(console|commands)/|^relay/src/cli\\.ts$" },
    },
    {
      name: "foundations-below-everything",
      comment:
        "State files, network addresses and Windows tools serve every layer and import none of them (the pairing code is pure, shared with the extension).",
      severity: "error",
      from: { path: "^relay/src/(state|network|windows)/" },
      to: {
        path: "^relay/src/(http|auth|upstream|console|commands)/|^relay/src/(cli|config)\\.ts$",
        pathNot: "^relay/src/auth/pairing-code\\.ts$",
      },
    },
    {
      name: "windows-tools-alone",
      comment: "windows/ builds Windows command lines and nothing else: it needs no other part of the relay.",
      severity: "error",
      from: { path: "^relay/src/windows/" },
      to: { path: "^relay/src/", pathNot: "^relay/src/windows/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "relay/tsconfig.build.json" },
  },
};
