/** The firewall step of `passerelle setup`: the relay's rules added elevated, through the UAC prompt when needed. */
import { forPowerShell } from "../windows/command-line.js";
import { elevateCommand } from "../windows/elevation.js";
import { firewallCommands, firewallRuleCheckCommand, type SetupTarget } from "../windows/netsh.js";
import type { CommandIO } from "./io.js";
import type { SetupEnvironment } from "./setup-environment.js";

/**
 * Elevated: removes Windows' Block rules for the program, then adds the Allow rules. Not elevated: runs
 * the program elevated through the UAC prompt for that part only, then checks the rule is there.
 */
export async function setUpFirewall(
  target: SetupTarget,
  io: CommandIO,
  environment: SetupEnvironment,
  elevatedRun: boolean,
): Promise<boolean> {
  const commands = firewallCommands(target, environment.env);
  if (await environment.elevated()) return addRules(target, io, environment);
  if (elevatedRun) {
    io.err("Firewall: this needs administrator rights, and the UAC prompt did not give them.\n");
    return false;
  }
  const check = firewallRuleCheckCommand(target.port, target.program, environment.env);
  // Already allowed (an earlier setup): no UAC prompt for nothing.
  if (await environment.run(check)) {
    io.out(`Firewall: the relay's rule for TCP ${target.port} is already there.\n`);
    return true;
  }
  io.out("Firewall: Windows asks for permission (the UAC prompt)…\n");
  const again = [...target.args, "setup", "--firewall-only", "--port", String(target.port)];
  const ran = await environment.run(elevateCommand(target.program, again, environment.env));
  if (ran && (await environment.run(check))) {
    io.out(
      `Firewall: done. The relay may receive connections on TCP ${target.port} and mDNS from the local subnet,\n` +
        "on every network profile (Public Wi-Fi included).\n",
    );
    return true;
  }
  io.err(
    "Firewall: not changed: the UAC prompt was cancelled, or this account is not an administrator.\n" +
      `Ask someone with an administrator account to run \`${environment.typed} setup\` on this PC, or to paste\n` +
      "these lines in Terminal (Admin), which is PowerShell:\n",
  );
  for (const command of commands) io.err(`  ${forPowerShell(command)}\n`);
  return false;
}

/** The rules themselves, run with administrator rights. */
async function addRules(target: SetupTarget, io: CommandIO, environment: SetupEnvironment): Promise<boolean> {
  const commands = firewallCommands(target, environment.env);
  // Deleting a rule that is not there fails, and so may the Block-rule clean-up: only "add" must succeed.
  let ok = true;
  for (const command of commands) {
    if (!(await environment.run(command)) && command.args.includes("add")) ok = false;
  }
  if (ok) {
    io.out(
      `Firewall: the relay (${target.program}) may now receive connections on TCP ${target.port} and mDNS\n` +
        "(UDP 5353), from the local subnet only, on every network profile (Public Wi-Fi included).\n" +
        "Block rules Windows had made for it are gone.\n",
    );
    return true;
  }
  io.err("Firewall: Windows refused the rule. Paste these lines yourself in Terminal (Admin), which is PowerShell:\n");
  for (const command of commands) io.err(`  ${forPowerShell(command)}\n`);
  return false;
}
