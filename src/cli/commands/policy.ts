import type { Command } from 'commander';

/** `patchbay policy check CLIENT SERVER TOOL [ARGS-JSON]` — what the gateway would decide, and why (src/policy/). */
export function registerPolicy(program: Command): void {
  const policy = program.command('policy').description('Permissions for MCP tools at the gateway (permissions.allow/ask/deny in config.json)');
  policy
    .command('check <client> <server> <tool> [args-json]')
    .description('Print the decision (allow, ask, deny) for a call and the rule that makes it')
    .option('--json', 'print JSON')
    .action(async (client: string, server: string, tool: string, args: string | undefined, opts: { json?: boolean }) => {
      const { runPolicyCheck } = await import('../../policy/commands/check.js');
      await runPolicyCheck({ client, server, tool, args, json: opts.json });
    });
}
