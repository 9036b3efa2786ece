import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { build, type Plugin } from "esbuild";
import { relayDir } from "./build-relay.ts";

/**
 * Rewrites what the relay's modules find through `import.meta.url`, which a CommonJS bundle lacks, so that it
 * ends up inside the bundle: a single executable can load Node's own modules only.
 * - `readFileSync(new URL("../package.json", import.meta.url), "utf8")` becomes that file's text, read now;
 * - `const require = createRequire(import.meta.url)` goes, so the module's `require("undici/…")` calls are the
 *   bundle's own and esbuild follows them.
 */
function importMetaRewrites(): Plugin {
  const readBeside = /readFileSync\(new URL\("([^"]+)", import\.meta\.url\), "utf8"\)/g;
  const localRequire = /^const require = createRequire\(import\.meta\.url\);$/m;
  return {
    name: "passerelle-import-meta",
    setup(builder) {
      builder.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (args) => {
        const source = readFileSync(args.path, "utf8");
        if (!source.includes("import.meta.url")) return undefined;
        const contents = source
          .replace(readBeside, (_all, file: string) =>
            JSON.stringify(readFileSync(join(dirname(args.path), file), "utf8")),
          )
          .replace(localRequire, "");
        return { contents, loader: "ts" };
      });
    },
  };
}

/**
 * Bundles the relay (the Node.js version check of `bin/`, then `src/main.ts`) and everything it loads,
 * lazily loaded parts included, into one CommonJS script at `outFile`: what a single executable runs.
 */
export async function bundleRelay(outFile: string): Promise<void> {
  const result = await build({
    stdin: {
      contents: `import "./bin/node-version-check.js";\nimport "./src/main.ts";\n`,
      resolveDir: relayDir,
      sourcefile: "passerelle-entry.ts",
      loader: "ts",
    },
    outfile: outFile,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node22",
    // Names stay readable: the relay's crash line shows an error's class name.
    minify: false,
    // Code that still asks for import.meta.url gets the program's own location instead of undefined.
    banner: { js: `var __passerelle_import_meta_url = require("node:url").pathToFileURL(__filename).href;` },
    define: { "import.meta.url": "__passerelle_import_meta_url" },
    plugins: [importMetaRewrites()],
    logLevel: "silent",
  });
  const problems = [...result.errors, ...result.warnings];
  if (problems.length) {
    throw new Error(`bundling the relay: ${problems.map((p) => `${p.location?.file ?? ""} ${p.text}`).join("; ")}`);
  }
}
