#!/usr/bin/env node
/**
 * The floor for an HTTP gateway: node:http piping each JSON-RPC message to one stdio child and
 * the matching reply back as application/json. No sessions, no MCP logic, no validation — the
 * cost of HTTP plus one parse and one stringify per direction. Usage: bare-relay.mjs PORT CMD ARGS…
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';

const [port, command, ...args] = process.argv.slice(2);
const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
const waiting = new Map();
let next = 0;
createInterface({ input: child.stdout }).on('line', (line) => {
  const message = JSON.parse(line);
  const pending = waiting.get(message.id);
  if (!pending) return;
  waiting.delete(message.id);
  message.id = pending.id;
  const body = JSON.stringify(message);
  pending.res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  pending.res.end(body);
});
createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const message = JSON.parse(Buffer.concat(chunks).toString());
    if (message.id === undefined) {
      child.stdin.write(`${JSON.stringify(message)}\n`);
      res.writeHead(202).end();
      return;
    }
    const id = ++next;
    waiting.set(id, { id: message.id, res });
    message.id = id;
    child.stdin.write(`${JSON.stringify(message)}\n`);
  });
}).listen(Number(port), '127.0.0.1', () => process.stdout.write(`listening ${port}\n`));
process.on('SIGTERM', () => {
  child.kill();
  process.exit(0);
});
