#!/usr/bin/env node
// The relay is written in TypeScript and compiled to dist/ when the workspace is installed (npm's `prepare`).
import "./node-version-check.js";

await import("../dist/main.js");
