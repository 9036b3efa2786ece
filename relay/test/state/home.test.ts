import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ensureHome, moveRoamingHome, relayHome } from "../../src/state/home.js";
import { display, type CommandLine } from "../../src/windows/command-line.js";

const root = mkdtempSync(join(tmpdir(), "passerelle-home-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("the relay's folder", () => {
  it("is in %LOCALAPPDATA% on Windows (it does not roam), the platform's config folder elsewhere", () => {
    const env = { LOCALAPPDATA: "C:\\Users\\Léa\\AppData\\Local", APPDATA: "C:\\Users\\Léa\\AppData\\Roaming" };
    expect(relayHome(env, "win32", "C:\\Users\\Léa")).toBe("C:\\Users\\Léa\\AppData\\Local\\Passerelle");
    expect(relayHome({}, "win32", "C:\\Users\\Léa")).toBe("C:\\Users\\Léa\\AppData\\Local\\Passerelle");
    expect(relayHome({}, "darwin", "/Users/lea")).toBe("/Users/lea/Library/Application Support/Passerelle");
    expect(relayHome({}, "linux", "/home/lea")).toBe("/home/lea/.config/passerelle");
    expect(relayHome({ PASSERELLE_HOME: "/srv/relay" }, "win32")).toBe("/srv/relay");
  });

  it("is limited to the current Windows user with icacls when created, and left alone afterwards", () => {
    const ran: string[] = [];
    const run = (command: CommandLine) => (ran.push(display(command)), true);
    const folder = join(root, "acl", "Passer elle");
    const env = { USERNAME: "lea", USERDOMAIN: "PC-12", SystemRoot: "C:\\Windows" };
    ensureHome(folder, "win32", env, run);
    // By its absolute path: a planted icacls.exe in the current folder never runs.
    const icacls = "C:\\Windows\\System32\\icacls.exe";
    expect(ran).toEqual([
      `${icacls} "${folder}" /grant:r PC-12\\lea:(OI)(CI)F`,
      `${icacls} "${folder}" /inheritance:r`,
    ]);
    ensureHome(folder, "win32", env, run);
    expect(ran).toHaveLength(2);
  });

  it("keeps the inherited entries when the grant fails, so the folder stays usable", () => {
    const ran: string[] = [];
    ensureHome(
      join(root, "acl-refused"),
      "win32",
      { USERNAME: "lea" },
      (command) => (ran.push(display(command)), false),
    );
    expect(ran).toHaveLength(1);
    expect(ran[0]).toContain("/grant:r lea:(OI)(CI)F");
  });

  it("keeps POSIX modes elsewhere, and runs no command", () => {
    const ran: CommandLine[] = [];
    const folder = join(root, "posix");
    ensureHome(folder, "linux", { USERNAME: "lea" }, (command) => (ran.push(command), true));
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(ran).toEqual([]);
  });

  it("moves an earlier %APPDATA%\\Passerelle to %LOCALAPPDATA% once, and says so in one line", () => {
    const appData = join(root, "Roaming");
    const localAppData = join(root, "Local");
    mkdirSync(join(appData, "Passerelle"), { recursive: true });
    writeFileSync(join(appData, "Passerelle", "devices.json"), '{"devices":[]}');
    const env = { APPDATA: appData, LOCALAPPDATA: localAppData, USERNAME: "lea", SystemRoot: "C:\\Windows" };
    const ran: string[] = [];

    const said = moveRoamingHome(env, "win32", (command) => (ran.push(display(command)), true));
    expect(ran).toEqual([
      `C:\\Windows\\System32\\icacls.exe ${join(localAppData, "Passerelle")} /grant:r lea:(OI)(CI)F`,
      `C:\\Windows\\System32\\icacls.exe ${join(localAppData, "Passerelle")} /inheritance:r`,
    ]);
    expect(said).toMatch(/^Moved the relay's folder from .*Roaming.*Passerelle to .*Local.*Passerelle \(/);
    expect(said).not.toContain("\n");
    expect(readFileSync(join(localAppData, "Passerelle", "devices.json"), "utf8")).toBe('{"devices":[]}');
    expect(existsSync(join(appData, "Passerelle"))).toBe(false);
    expect(moveRoamingHome(env, "win32")).toBeUndefined();
  });

  it("never overwrites a folder already in %LOCALAPPDATA%, nor moves anything off Windows", () => {
    const appData = join(root, "Roaming2");
    const localAppData = join(root, "Local2");
    for (const dir of [join(appData, "Passerelle"), join(localAppData, "Passerelle")])
      mkdirSync(dir, { recursive: true });
    const env = { APPDATA: appData, LOCALAPPDATA: localAppData };
    expect(moveRoamingHome(env, "win32")).toBeUndefined();
    expect(moveRoamingHome(env, "linux")).toBeUndefined();
    expect(existsSync(join(appData, "Passerelle"))).toBe(true);
  });
});

describe("the relay's home", () => {
  it("follows each platform's convention, and PASSERELLE_HOME overrides it", () => {
    // %LOCALAPPDATA%, not the roaming %APPDATA%, which a school domain may sync to its server.
    expect(relayHome({ LOCALAPPDATA: "C:\\Users\\lea\\AppData\\Local" }, "win32", "C:\\Users\\lea")).toBe(
      "C:\\Users\\lea\\AppData\\Local\\Passerelle",
    );
    expect(relayHome({}, "darwin", "/Users/lea")).toBe("/Users/lea/Library/Application Support/Passerelle");
    expect(relayHome({}, "linux", "/home/lea")).toBe("/home/lea/.config/passerelle");
    expect(relayHome({ XDG_CONFIG_HOME: "/x" }, "linux", "/home/lea")).toBe("/x/passerelle");
    expect(relayHome({ PASSERELLE_HOME: "/srv/p" }, "win32", "C:\\")).toBe("/srv/p");
  });
});
