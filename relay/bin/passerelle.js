#!/usr/bin/env node
// The relay is written in TypeScript and compiled to dist/ when the workspace is installed (npm's `prepare`).
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 19)) {
  process.stderr.write(
    `passerelle: Node.js 22.19 or newer is needed (this is ${process.versions.node}). Install the current LTS from https://nodejs.org, or run the relay with \`npm start\` from the repository, which brings its own.\n`,
  );
  process.exit(1);
}
await import("../dist/cli.js");
