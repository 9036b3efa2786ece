// The extension's architecture, checked by `npm run lint` with the tool that checks the relay's: no import cycle
// (type-only imports count: a circle of types is a circle of ideas), and plain modules below the views.
import { noCycle } from "../.dependency-cruiser.mjs";

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    noCycle,
    {
      name: "plain-modules-below-views",
      comment:
        "relay/, openai/, storage/, failures/, prompts/, attachments/ and helpers/ are plain, tested modules: they never import a view, a hook or a command.",
      severity: "error",
      from: { path: "^src/(relay|openai|storage|failures|prompts|attachments|helpers)/" },
      to: { path: "^src/(components|hooks)/|^src/[^/]+\\.tsx$" },
    },
    {
      name: "failures-below-everything",
      comment: "Which failure an error is, and its words, depend on no part of the extension that can fail.",
      severity: "error",
      from: { path: "^src/failures/", pathNot: "^src/failures/toast\\.ts$" },
      to: { path: "^src/", pathNot: "^src/failures/|^src/helpers/format\\.ts$" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "\\.test\\.tsx?$" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
  },
};
