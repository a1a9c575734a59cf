/**
 * Declares the command tree. Each file in ./commands registers one command with its flags and
 * lazily imports the module that does the work, so `patchbay --help` stays fast.
 */
import { Command } from 'commander';
import { registerApprovals } from './commands/approvals.js';
import { registerAudit } from './commands/audit.js';
import { registerClaude } from './commands/claude.js';
import { registerClients } from './commands/clients.js';
import { registerConnect } from './commands/connect.js';
import { registerCost } from './commands/cost.js';
import { registerDisconnect } from './commands/disconnect.js';
import { registerDoctor } from './commands/doctor.js';
import { registerEnv } from './commands/env.js';
import { registerGateway } from './commands/gateway.js';
import { registerLogs } from './commands/logs.js';
import { registerMcp } from './commands/mcp.js';
import { registerNew } from './commands/new.js';
import { registerPins } from './commands/pins.js';
import { registerPolicy } from './commands/policy.js';
import { registerProxy } from './commands/proxy.js';
import { registerScan } from './commands/scan.js';
import { registerSecrets } from './commands/secrets.js';
import { registerCatalog } from './commands/catalog.js';
import { registerInstall } from './commands/install.js';
import { registerServer } from './commands/server.js';
import { registerToken } from './commands/token.js';
import { registerUi } from './commands/ui.js';
import { registerUp } from './commands/up.js';

export function buildProgram(): Command {
  const program = new Command('patchbay')
    .description('The hub between AI applications, MCP servers and models.')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError()
    // Options belong to the command they follow. Without this, commander hoists every flag it
    // sees to the leaf command, so `mcp add t1 node server.js -e X=1` would take the server's
    // own `-e` as Patchbay's, and `patchbay claude --help` would print our help, not claude's.
    .enablePositionalOptions();
  // Registry and diagnosis
  registerMcp(program);
  registerDoctor(program);
  registerSecrets(program);
  registerCatalog(program);
  registerInstall(program);
  registerScan(program);
  registerPins(program);
  // Hub and gateway
  registerUp(program);
  registerUi(program);
  registerGateway(program);
  registerConnect(program);
  registerDisconnect(program);
  registerLogs(program);
  registerToken(program);
  // Who calls, what they may call, a person in the loop, the record of it all
  registerClients(program);
  registerPolicy(program);
  registerApprovals(program);
  registerAudit(program);
  // Built-in servers and scaffolding
  registerServer(program);
  registerNew(program);
  // Model proxy
  registerProxy(program);
  registerClaude(program);
  registerEnv(program);
  registerCost(program);
  return program;
}
