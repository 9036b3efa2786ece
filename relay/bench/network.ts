/**
 * The relay where users are: three network namespaces made by the bench ("Mac", "PC", "OpenAI"), joined by
 * userspace delay lines (delay-line.py; this kernel has no sch_netem): Wi-Fi 3 ± 1 ms each way with 0.5 %
 * loss between Mac and PC, internet 20 ± 2 ms each way between PC and OpenAI. The Mac reaches OpenAI
 * through the PC's namespace, as through a home router. The fake OpenAI serves TLS; each request opens a
 * fresh connection from the Mac, as a newly opened Raycast command does. Needs root and `ip`; Linux only.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { relayDir } from "../scripts/build-relay.ts";

export interface NetworkBenchOptions {
  /** Requests per row. */
  requests: number;
  /** Silence before each "after idle" request; longer than `keepAliveS`. */
  gapMs: number;
  /** The relays' --upstream-keep-alive, in seconds. */
  keepAliveS: number;
  /** Node flags for the relays' processes (e.g. a V8 flag to measure). */
  nodeFlags?: string[];
}

const KEY = "sk-test-bench-0000";
const strip = ["--experimental-strip-types", "--no-warnings"];
const MAC = "10.77.1.1";
const PC = "10.77.1.2";
const PC_OUT = "10.77.2.1";
const OPENAI = "10.77.2.2";

/** Why the bench cannot run here, or undefined when it can. */
function missing(): string | undefined {
  if (process.platform !== "linux") return "Linux only";
  if (process.getuid?.() !== 0) return "needs root (network namespaces, TUN devices)";
  if (!existsSync("/dev/net/tun")) return "no /dev/net/tun";
  try {
    execFileSync("ip", ["-V"], { stdio: "ignore" });
    execFileSync("python3", ["--version"], { stdio: "ignore" });
  } catch {
    return "needs `ip` (iproute2) and python3";
  }
  return undefined;
}

const ip = (...args: string[]) => execFileSync("ip", args, { stdio: ["ignore", "ignore", "pipe"] });

/** Resolves with the port once `child` prints that it listens. */
function listening(child: ChildProcess, name: string): Promise<number> {
  let out = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start:\n${out}`)), 20_000);
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on port (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.removeAllListeners("data");
        child.stdout!.resume();
        resolve(Number(m[1]));
      }
    });
    child.once("exit", () => reject(new Error(`${name} exited:\n${out}`)));
  });
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};

/** Builds the emulated network, measures, prints the table, and takes everything down again. */
export async function runNetworkBench(options: NetworkBenchOptions): Promise<void> {
  const why = missing();
  if (why) {
    console.log(`Emulated network bench skipped: ${why}.`);
    return;
  }
  const started = performance.now();
  const id = `ps${process.pid % 100000}`;
  const ns = { mac: `${id}mac`, pc: `${id}pc`, openai: `${id}oai` };
  const tun = { mac: `${id}m`, pcIn: `${id}p1`, pcOut: `${id}p2`, openai: `${id}o` };
  const work = mkdtempSync(join(tmpdir(), "passerelle-netbench-"));
  const children: ChildProcess[] = [];
  const inNs = (name: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
    const child = spawn("ip", ["netns", "exec", name, process.execPath, ...args], {
      cwd: relayDir,
      env: { PATH: process.env.PATH, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    children.push(child);
    return child;
  };

  const cleanUp = () => {
    for (const child of children) child.kill("SIGKILL");
    for (const name of Object.values(ns)) {
      try {
        ip("netns", "delete", name);
      } catch {
        // never created, or already deleted
      }
    }
    rmSync(work, { recursive: true, force: true });
  };
  // Ctrl+C leaves no namespace, device or process behind either.
  const interrupted = () => {
    cleanUp();
    process.exit(130);
  };
  process.once("SIGINT", interrupted);

  try {
    // The fake OpenAI's certificate, for its address; the relays and the Mac trust it as the real one's CA.
    const cert = join(work, "openai.pem");
    const key = join(work, "openai-key.pem");
    const subject = ["-subj", "/CN=fake-openai", "-addext", `subjectAltName=IP:${OPENAI}`];
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1"];
    execFileSync("openssl", ["req", "-x509", ...ec, ...subject, "-keyout", key, "-out", cert], { stdio: "ignore" });

    const hops = [`${tun.mac}:${tun.pcIn}:3:1:0.005`, `${tun.pcOut}:${tun.openai}:20:2:0`];
    const line = spawn("python3", [join(relayDir, "bench/delay-line.py"), ...hops], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    children.push(line);
    await new Promise<void>((resolve, reject) => {
      line.stdout!.once("data", () => resolve());
      line.once("exit", () => reject(new Error("the delay line did not start")));
    });

    for (const name of Object.values(ns)) {
      ip("netns", "add", name);
      ip("-n", name, "link", "set", "lo", "up");
    }
    const link = (dev: string, name: string, local: string, peer: string) => {
      ip("link", "set", dev, "netns", name);
      ip("-n", name, "addr", "add", local, "peer", peer, "dev", dev);
      ip("-n", name, "link", "set", dev, "up");
    };
    link(tun.mac, ns.mac, MAC, PC);
    link(tun.pcIn, ns.pc, PC, MAC);
    link(tun.pcOut, ns.pc, PC_OUT, OPENAI);
    link(tun.openai, ns.openai, OPENAI, PC_OUT);
    ip("-n", ns.mac, "route", "add", `${OPENAI}/32`, "dev", tun.mac);
    ip("-n", ns.openai, "route", "add", `${MAC}/32`, "dev", tun.openai);
    execFileSync("ip", ["netns", "exec", ns.pc, "sysctl", "-qw", "net.ipv4.ip_forward=1"]);
    for (const conf of ["all", "default", tun.pcIn, tun.pcOut]) {
      execFileSync("ip", ["netns", "exec", ns.pc, "sysctl", "-qw", `net.ipv4.conf.${conf}.rp_filter=0`]);
    }

    const fake = inNs(ns.openai, [...strip, "bench/fake-openai.ts", "5", "5"], {
      BENCH_TLS_CERT: cert,
      BENCH_TLS_KEY: key,
      BENCH_HOST: OPENAI,
      BENCH_PORT: "8443",
    });
    const fakePort = await listening(fake, "fake OpenAI");

    // Two relays on the PC: as shipped, and without the connection kept ready (to show what it saves).
    const security = (await import(pathToFileURL(join(relayDir, "dist/auth/relay-security.js")).href)) as {
      prepareSecurity(home: string): Promise<{
        identity: { certPem: string };
        devices: { add(name: string, kind: string): { token: string } };
      }>;
    };
    const relays = await Promise.all(
      [
        { port: 8787, extra: [] as string[] },
        { port: 8788, extra: ["--no-standby"] },
      ].map(async ({ port, extra }) => {
        const home = join(work, `home-${port}`);
        const prepared = await security.prepareSecurity(home);
        const { token } = prepared.devices.add("bench", "app");
        const child = inNs(
          ns.pc,
          [
            ...(options.nodeFlags ?? []),
            join(relayDir, "bin/passerelle.js"),
            ...["--host", PC, "--port", String(port), "--no-mdns"],
            ...["--upstream", `https://${OPENAI}:${fakePort}/v1`, "--upstream-keep-alive", String(options.keepAliveS)],
            ...extra,
          ],
          { HOME: home, XDG_CONFIG_HOME: home, LOCALAPPDATA: home, PASSERELLE_HOME: home, NODE_EXTRA_CA_CERTS: cert },
        );
        await listening(child, "relay");
        return {
          origin: `https://${PC}:${port}`,
          certPem: prepared.identity.certPem,
          pin: true,
          headers: { authorization: `Bearer ${KEY}`, "x-passerelle-token": token },
        };
      }),
    );

    const plan = {
      requests: options.requests,
      gapMs: options.gapMs,
      relay: relays[0],
      relayNoStandby: relays[1],
      direct: {
        origin: `https://${OPENAI}:${fakePort}`,
        certPem: readFileSync(cert, "utf8"),
        pin: false,
        headers: { authorization: `Bearer ${KEY}` },
      },
    };
    const mac = inNs(ns.mac, [...strip, "bench/network-client.ts", JSON.stringify(plan)]);
    let out = "";
    mac.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    await new Promise((resolve) => mac.once("exit", resolve));
    const rows = JSON.parse(out) as Record<string, number[]> & { failures: number };
    if (process.env.BENCH_RAW) console.log(out);
    printTable(rows, options, (performance.now() - started) / 1000);
  } finally {
    process.off("SIGINT", interrupted);
    cleanUp();
  }
}

function printTable(rows: Record<string, number[]> & { failures: number }, options: NetworkBenchOptions, s: number) {
  const direct = pct(rows.direct!, 50);
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : "—");
  const table: string[][] = [["path (first token, fresh connection from the Mac)", "p50", "p99", "× direct p50"]];
  const row = (label: string, xs: number[]) =>
    table.push([label, `${f(pct(xs, 50))} ms`, `${f(pct(xs, 99))} ms`, `×${(pct(xs, 50) / direct).toFixed(2)}`]);
  row("Mac → upstream directly", rows.direct!);
  row("Mac → relay, upstream connection warm", rows.relayWarm!);
  row("Mac → relay, warm, Mac resumes its TLS session", rows.relayResumed!);
  row(`Mac → relay after ${options.gapMs / 1000} s idle (connection kept ready)`, rows.relayAfterIdle!);
  row(`Mac → relay after ${options.gapMs / 1000} s idle, --no-standby (cold)`, rows.relayAfterIdleNoStandby!);
  row("Mac → relay on a kept connection, upstream warm", rows.relayKept!);
  // Ask with a 3 MB image (a 4 MB body): against the same question sent directly with the image.
  const imageDirect = pct(rows.imageDirect!, 50);
  const imageRow = (label: string, xs: number[]) =>
    table.push([label, `${f(pct(xs, 50))} ms`, `${f(pct(xs, 99))} ms`, `×${(pct(xs, 50) / imageDirect).toFixed(2)} ‡`]);
  imageRow("Ask with a 3 MB image: Mac → upstream directly", rows.imageDirect!);
  imageRow("Ask with a 3 MB image: Mac → relay, upstream warm", rows.imageRelay!);
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  const line = (r: string[]) => "| " + r.map((c, i) => c.padEnd(widths[i]!)).join(" | ") + " |";
  console.log(
    `\nPasserelle emulated network: Wi-Fi 3 ± 1 ms each way + 0.5 % loss (Mac–PC), internet 20 ± 2 ms each way ` +
      `(PC–OpenAI), fake OpenAI over TLS, 5-chunk streams; ${options.requests} requests per row, interleaved; ` +
      `relay --upstream-keep-alive ${options.keepAliveS} s, idle gap ${options.gapMs / 1000} s.`,
  );
  console.log(line(table[0]!));
  console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
  for (const r of table.slice(1)) console.log(line(r));
  console.log("‡ × the same 3 MB image question sent directly.");
  const afterIdle = pct(rows.relayAfterIdle!, 50);
  const warm = pct(rows.relayWarm!, 50);
  console.log(
    `Goal: after idle ≤ 0.6 × direct at p50 and within 10 ms of warm: ×${(afterIdle / direct).toFixed(2)}, ` +
      `${afterIdle - warm >= 0 ? "+" : ""}${f(afterIdle - warm)} ms → ${afterIdle <= 0.6 * direct && afterIdle - warm <= 10 ? "met" : "NOT met"}` +
      `${rows.failures ? `; ${rows.failures} requests failed` : ""} (${s.toFixed(0)} s)`,
  );
}
