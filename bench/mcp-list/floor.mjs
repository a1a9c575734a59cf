#!/usr/bin/env node
/**
 * The floor for checking many stdio servers at once: no registry, no SDK, no diagnosis — spawn
 * every user-scope server in $HOME/.claude.json together, send initialize, initialized and
 * tools/list as raw JSON-RPC lines, wait for the tools/list answer, kill. What this takes over
 * "the slowest server alone" is what the servers themselves cost the machine when they start
 * together (on 2 cores, 20 Node processes loading an SDK compete for CPU), not what a client
 * adds. Prints "✔ Connected" per server, as `mcp list` does, so bench/mcp-list/run.mjs counts it.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const { mcpServers } = JSON.parse(readFileSync(join(process.env.HOME, '.claude.json'), 'utf8'));

function check(name, entry) {
  return new Promise((resolve) => {
    const child = spawn(entry.command, entry.args ?? [], { env: { ...process.env, ...entry.env }, stdio: ['pipe', 'pipe', 'ignore'] });
    const send = (message) => child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
    createInterface({ input: child.stdout }).on('line', (line) => {
      const message = JSON.parse(line);
      if (message.id === 1) {
        send({ method: 'notifications/initialized' });
        send({ id: 2, method: 'tools/list' });
      } else if (message.id === 2) {
        console.log(`${name}: ✔ Connected (${message.result.tools.length} tools)`);
        child.kill();
        resolve();
      }
    });
    send({ id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'floor', version: '0' } } });
  });
}

await Promise.all(Object.entries(mcpServers).map(([name, entry]) => check(name, entry)));
