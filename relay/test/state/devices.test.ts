import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { damageNotice, DeviceRegistry, RegistryDamagedError, tokenDigest } from "../../src/state/devices.js";

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "passerelle-devices-"));
  file = join(dir, "devices.json");
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("the device registry", () => {
  it("keeps a last good copy beside each write", () => {
    const registry = new DeviceRegistry(file);
    const { token } = registry.add("Mac", "app");
    expect(readFileSync(`${file}.bak`, "utf8")).toBe(readFileSync(file, "utf8"));
    expect(registry.find(tokenDigest(token))?.name).toBe("Mac");
  });

  it("refuses to change a damaged file, keeps it as found, and tells once", () => {
    const registry = new DeviceRegistry(file);
    registry.add("Mac", "app");
    const told: string[] = [];
    registry.onDamage = (damage) => told.push(damage.reason);
    writeFileSync(file, '{"devices": [');
    expect(() => registry.add("Other", "cli")).toThrow(RegistryDamagedError);
    expect(() => registry.remove("Mac")).toThrow(RegistryDamagedError);
    expect(registry.status().damage).toMatchObject({ readable: 0, inBackup: 1 });
    expect(told).toEqual(["it does not parse as JSON (it may have been cut short)"]);
    expect(readFileSync(file, "utf8")).toBe('{"devices": [');
    const kept = readdirSync(dir).filter((name) => name.startsWith("devices.json.damaged-"));
    expect(kept).toHaveLength(1);
    // The copy's name works on Windows too: no ':' in it.
    expect(kept[0]).not.toContain(":");
  });

  it("with no good copy to restore, says so and points to --reset", () => {
    writeFileSync(file, "not json");
    const registry = new DeviceRegistry(file);
    const damage = registry.status().damage!;
    expect(damage.inBackup).toBeUndefined();
    expect(damageNotice(damage, file)).not.toContain("--restore");
    expect(damageNotice(damage, file)).toContain("passerelle devices --reset");
    expect(() => registry.restore()).toThrow(/no last good list to restore.*--reset/);
    registry.reset();
    expect(registry.status()).toEqual({ devices: [], damage: undefined });
    expect(registry.add("Fresh", "app").device.name).toBe("Fresh");
  });
});
