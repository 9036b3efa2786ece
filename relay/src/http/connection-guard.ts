/** Bounds on the connections strangers may hold, so that a flood never pushes out a paired device. */
import type { Server } from "node:http";
import type { Socket } from "node:net";

/** Bounds on the connections callers may hold, whether or not they are paired. */
export interface ConnectionLimits {
  /** Connections one address may hold before any of them showed a valid token; more are closed at once. */
  perAddress: number;
  /** Connections that never showed a valid token, in all; past it, the oldest of them makes room for a new one. */
  untrusted: number;
  /** Open connections in all; past it, the oldest untrusted one makes room, or the new one is refused. */
  total: number;
}

/** About 60 KB each while a TLS connection waits: 512 strangers' connections hold about 30 MB. */
export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = { perAddress: 256, untrusted: 512, total: 2048 };

/** What the guard knows of the connections it let in. */
export interface ConnectionGuard {
  /** Notes that the connection from `address:port` carried a paired device's token: it is never shed. */
  trust(socket: { remoteAddress?: string | undefined; remotePort?: number | undefined }): void;
  /** Open connections now, in all. */
  open(): number;
}

interface Entry {
  socket: Socket;
  address: string;
  trusted: boolean;
}

/**
 * Counts the server's raw connections (before TLS, so a handshake that never ends counts too) per
 * address and in total. A stranger on the Wi-Fi can then hold at most `perAddress` connections
 * (a paired device's connections stop counting once they carry its token), and many strangers
 * together never push out a paired device: the oldest untrusted connection is closed to make room.
 */
export function guardConnections(server: Server, limits: Partial<ConnectionLimits> = {}): ConnectionGuard {
  const o = { ...DEFAULT_CONNECTION_LIMITS, ...limits };
  const perAddress = new Map<string, number>();
  /** Open connections, oldest first, by `address|port` (the same key a request's socket gives). */
  const entries = new Map<string, Entry>();
  let untrusted = 0;

  server.on("connection", (socket: Socket) => {
    const address = socket.remoteAddress ?? "?";
    const count = perAddress.get(address) ?? 0;
    if (count >= o.perAddress) {
      socket.destroy();
      return;
    }
    if (untrusted >= o.untrusted) shedOne();
    if (entries.size >= o.total && !shedOne()) {
      socket.destroy();
      return;
    }
    untrusted++;
    const key = `${address}|${socket.remotePort}`;
    entries.set(key, { socket, address, trusted: false });
    perAddress.set(address, count + 1);
    socket.once("close", () => {
      const entry = entries.get(key);
      entries.delete(key);
      if (entry && !entry.trusted) untrust(address);
    });
  });

  /** One untrusted connection fewer for `address`. */
  function untrust(address: string): void {
    untrusted--;
    const left = (perAddress.get(address) ?? 1) - 1;
    if (left > 0) perAddress.set(address, left);
    else perAddress.delete(address);
  }

  /** Closes the oldest connection that never carried a valid token; false when every one did. */
  function shedOne(): boolean {
    for (const entry of entries.values()) {
      if (!entry.trusted && !entry.socket.destroyed) {
        entry.socket.destroy();
        return true;
      }
    }
    return false;
  }

  return {
    trust(socket) {
      const entry = entries.get(`${socket.remoteAddress ?? "?"}|${socket.remotePort}`);
      if (!entry || entry.trusted) return;
      entry.trusted = true;
      untrust(entry.address);
    },
    open: () => entries.size,
  };
}
