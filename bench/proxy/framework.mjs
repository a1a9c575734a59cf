// Micro benchmark behind a design choice: the proxy's listener is plain node:http rather than
// hono on @hono/node-server. Both servers do what the proxy's edge does per request — check a
// key header, read a JSON body, parse it, answer JSON — and one load generator drives them in
// turn, tiny and 200 KB bodies, 1 and 64 clients. Usage: node bench/proxy/framework.mjs
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import { Pool } from 'undici';

const ANSWER = JSON.stringify({ id: 'msg_x', type: 'message', role: 'assistant', content: [{ type: 'text', text: 'hi' }] });

function plain() {
  const server = createServer((req, res) => {
    if (req.headers['x-api-key'] !== 'k') { res.writeHead(401).end(); return; }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(ANSWER) });
      res.end(ANSWER);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ port: server.address().port, close: () => server.close() })));
}

function hono() {
  const app = new Hono();
  app.post('/v1/messages', async (c) => {
    if (c.req.header('x-api-key') !== 'k') return c.body(null, 401);
    await c.req.json();
    return c.body(ANSWER, 200, { 'content-type': 'application/json' });
  });
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve({ port: info.port, close: () => server.close() }));
  });
}

async function load(port, body, concurrency, total) {
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: concurrency });
  const lat = new Float64Array(total);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = next++; i < total; i = next++) {
      const s = performance.now();
      const r = await pool.request({ path: '/v1/messages', method: 'POST', headers: { 'x-api-key': 'k', 'content-type': 'application/json' }, body });
      await r.body.text();
      lat[i] = performance.now() - s;
    }
  }));
  const secs = (performance.now() - t0) / 1000;
  await pool.close();
  lat.sort();
  return { p50: lat[Math.floor(total / 2)], rps: total / secs };
}

const tiny = JSON.stringify({ model: 'claude-sonnet-4-6', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
const big = JSON.stringify({ model: 'claude-sonnet-4-6', max_tokens: 10, messages: [{ role: 'user', content: 'The proxy streams. '.repeat(10_800) }] });
const servers = { 'node:http': await plain(), 'hono + @hono/node-server': await hono() };
console.log('| body | clients | server | p50 ms | req/s |\n|---|---:|---|---:|---:|');
for (const [label, body] of [['tiny', tiny], ['200 KB', big]]) {
  for (const c of [1, 64]) {
    const total = label === 'tiny' ? 6000 : 1500;
    for (const [name, s] of Object.entries(servers)) {
      await load(s.port, body, c, 300); // warm-up
      const r = await load(s.port, body, c, total);
      console.log(`| ${label} | ${c} | ${name} | ${r.p50.toFixed(3)} | ${r.rps.toFixed(0)} |`);
    }
  }
}
for (const s of Object.values(servers)) s.close();
