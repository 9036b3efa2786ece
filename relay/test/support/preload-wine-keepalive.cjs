// Test-only, for Wine: Wine lacks the TCP keep-alive option on a socket that is still connecting, and undici
// turns keep-alive on right after `connect()`, so every upstream connection failed. Real Windows has it.
// Here keep-alive is switched on once the socket is connected instead.
"use strict";
/* global require */
/* eslint-disable @typescript-eslint/no-require-imports -- a --require preload is CommonJS */
const net = require("node:net");

const setKeepAlive = net.Socket.prototype.setKeepAlive;
net.Socket.prototype.setKeepAlive = function (...args) {
  if (this.connecting) {
    this.once("connect", () => setKeepAlive.apply(this, args));
    return this;
  }
  return setKeepAlive.apply(this, args);
};
