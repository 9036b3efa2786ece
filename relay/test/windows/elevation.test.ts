import { describe, expect, it } from "vitest";
import { display } from "../../src/windows/command-line.js";
import { elevateCommand } from "../../src/windows/elevation.js";

const node = "C:\\Program Files\\nodejs\\node.exe";
const script = "C:\\Users\\Léa\\passerelle\\relay\\bin\\passerelle.js";
const windowsEnv = { SystemRoot: "C:\\Windows" };

describe("the UAC prompt", () => {
  it("elevate the program's own path through the UAC prompt, with its script, never through npx", () => {
    const command = elevateCommand(node, [script, "setup", "--firewall-only", "--port", "8787"], windowsEnv);
    expect(command.file).toBe("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe");
    expect(command.args.at(-1)).toBe(
      "$p = Start-Process -FilePath 'C:\\Program Files\\nodejs\\node.exe' -ArgumentList 'C:\\Users\\Léa\\passerelle\\relay\\bin\\passerelle.js setup --firewall-only --port 8787' -Verb RunAs -WindowStyle Hidden -Wait -PassThru; exit $p.ExitCode",
    );
    expect(display(command)).not.toMatch(/npx/);
  });
});
