// Test-only, for Wine: a console window whose keys the test types. Wine turns a typed Ctrl+C into a signal,
// even in raw mode, while Windows hands it to the program as the key "\x03". So stdin passes for a terminal
// (raw mode accepted and ignored), and whatever the test writes to the file named by PASSERELLE_TEST_KEYS
// arrives as typed keys, once.
"use strict";
/* global require, setInterval */
/* eslint-disable @typescript-eslint/no-require-imports -- a --require preload is CommonJS */
const { isWorker } = require("node:cluster");
const { readFileSync, rmSync } = require("node:fs");

// Only the relay's main process reads the window's keys: its workers must not take them.
const keysFile = isWorker ? undefined : process.env.PASSERELLE_TEST_KEYS;
const stdin = process.stdin;
stdin.isTTY = true;
stdin.setRawMode = () => stdin;

if (keysFile) {
  const timer = setInterval(() => {
    let keys;
    try {
      keys = readFileSync(keysFile);
      rmSync(keysFile);
    } catch {
      return; // nothing typed yet
    }
    stdin.emit("data", keys);
  }, 100);
  // Only the relay itself decides whether the process goes on.
  timer.unref();
}
