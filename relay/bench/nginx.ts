/**
 * nginx doing the relay's job, for comparison: TLS 1.3 with the same P-256 certificate as the relay, streaming
 * (`proxy_buffering off`), one worker, kept-alive connections to the same fake OpenAI; and the same proxy in
 * plain HTTP. Configured from a file written to a temporary folder, listening on loopback only.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Nginx {
  tlsPort: number;
  plainPort: number;
  /** The worker's process id (the one doing the work; the master only watches it). */
  workerPid(): number | undefined;
  stop(): void;
}

/** The nginx program, or undefined when it is not installed. */
export function nginxProgram(): string | undefined {
  for (const candidate of ["nginx", "/usr/sbin/nginx", "/usr/local/sbin/nginx"]) {
    try {
      execFileSync(candidate, ["-v"], { stdio: "ignore" });
      return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** A port free on loopback now (nginx needs its ports written in its configuration). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

function configuration(folder: string, upstreamPort: number, tlsPort: number, plainPort: number): string {
  const temp = (name: string) => `${name}_temp_path ${join(folder, name)};`;
  // Every request of a bench run rides a kept-alive connection, as a Mac's do: no limit on requests per connection.
  return `daemon off;
worker_processes 1;
pid ${join(folder, "nginx.pid")};
error_log ${join(folder, "error.log")} warn;
events { worker_connections 4096; }
http {
  access_log off;
  ${temp("client_body")} ${temp("proxy")} ${temp("fastcgi")} ${temp("uwsgi")} ${temp("scgi")}
  keepalive_requests 1000000;
  keepalive_timeout 60s;
  upstream openai { server 127.0.0.1:${upstreamPort}; keepalive 512; keepalive_requests 1000000; }
  server {
    listen 127.0.0.1:${tlsPort} ssl;
    listen 127.0.0.1:${plainPort};
    ssl_certificate ${join(folder, "cert.pem")};
    ssl_certificate_key ${join(folder, "key.pem")};
    ssl_protocols TLSv1.3;
    location / {
      proxy_pass http://openai;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
`;
}

/** Starts nginx in front of the fake OpenAI at `upstreamPort`, with the relay's certificate and key. */
export async function startNginx(
  program: string,
  upstreamPort: number,
  identity: { certPem: string; keyPem: string },
): Promise<Nginx> {
  const folder = mkdtempSync(join(tmpdir(), "passerelle-bench-nginx-"));
  // Run as root, nginx's worker becomes an unprivileged user, which must reach its temporary folders.
  chmodSync(folder, 0o755);
  writeFileSync(join(folder, "cert.pem"), identity.certPem);
  writeFileSync(join(folder, "key.pem"), identity.keyPem, { mode: 0o600 });
  const [tlsPort, plainPort] = [await freePort(), await freePort()];
  const conf = join(folder, "nginx.conf");
  writeFileSync(conf, configuration(folder, upstreamPort, tlsPort, plainPort));
  const master: ChildProcess = spawn(program, ["-p", folder, "-c", conf], { stdio: ["ignore", "ignore", "pipe"] });
  let said = "";
  master.stderr!.on("data", (d: Buffer) => (said += d.toString()));
  const workerPid = () => {
    try {
      const children = readFileSync(`/proc/${master.pid}/task/${master.pid}/children`, "utf8").trim();
      return children ? Number(children.split(" ")[0]) : undefined;
    } catch {
      return undefined;
    }
  };
  const deadline = Date.now() + 10_000;
  while (!workerPid()) {
    if (master.exitCode !== null || Date.now() > deadline) {
      const log = (() => {
        try {
          return readFileSync(join(folder, "error.log"), "utf8");
        } catch {
          return "";
        }
      })();
      rmSync(folder, { recursive: true, force: true });
      throw new Error(`nginx did not start: ${said}${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    tlsPort,
    plainPort,
    workerPid,
    stop() {
      master.kill("SIGTERM");
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
