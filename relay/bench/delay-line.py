"""
A userspace delay line (this kernel has no sch_netem): for each hop, two TUN devices, and every packet read
from one is written to the other after its delay, or dropped for its loss. Packets keep their order (a later
packet never overtakes an earlier one), as on one Wi-Fi link or one internet path.

Usage (as root): python3 delay-line.py NAME_A:NAME_B:DELAY_MS:JITTER_MS:LOSS ...
Creates the devices, prints "ready", then relays until stdin closes or it is killed. The caller moves each
device into its network namespace and gives it an address.
"""

import fcntl
import os
import random
import select
import struct
import sys
import time
from collections import deque

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000


def open_tun(name):
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


class Direction:
    """Packets from one device to the other, each held until its time."""

    def __init__(self, out_fd, delay_ms, jitter_ms, loss):
        self.out_fd = out_fd
        self.delay = delay_ms / 1000
        self.jitter = jitter_ms / 1000
        self.loss = loss
        self.queue = deque()
        self.last = 0.0

    def take(self, packet, now):
        if random.random() < self.loss:
            return
        due = max(now + random.uniform(self.delay - self.jitter, self.delay + self.jitter), self.last)
        self.last = due
        self.queue.append((due, packet))

    def send_due(self, now):
        while self.queue and self.queue[0][0] <= now:
            _, packet = self.queue.popleft()
            try:
                os.write(self.out_fd, packet)
            except OSError:
                pass  # the device is down (being torn down): the packet is lost, as on a real link

    def next_due(self):
        return self.queue[0][0] if self.queue else None


def main():
    directions = {}
    for spec in sys.argv[1:]:
        a, b, delay, jitter, loss = spec.split(":")
        fa, fb = open_tun(a), open_tun(b)
        directions[fa] = Direction(fb, float(delay), float(jitter), float(loss))
        directions[fb] = Direction(fa, float(delay), float(jitter), float(loss))
    print("ready", flush=True)
    readers = list(directions) + [sys.stdin.fileno()]
    while True:
        now = time.monotonic()
        dues = [d.next_due() for d in directions.values() if d.next_due() is not None]
        timeout = max(0.0, min(dues) - now) if dues else 1.0
        ready, _, _ = select.select(readers, [], [], timeout)
        now = time.monotonic()
        for fd in ready:
            if fd == sys.stdin.fileno():
                if not os.read(fd, 1024):
                    return
                continue
            while True:
                try:
                    packet = os.read(fd, 65536)
                except BlockingIOError:
                    break
                except OSError:
                    break
                directions[fd].take(packet, now)
        for d in directions.values():
            d.send_due(time.monotonic())


if __name__ == "__main__":
    main()
