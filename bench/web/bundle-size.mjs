// The dashboard's first load, gzipped: index.html and every asset it loads (must stay < 150 KB).
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
const dir = fileURLToPath(new URL('../../dist/web/ui/', import.meta.url));
const files = ['index.html', ...readdirSync(`${dir}assets`).map((f) => `assets/${f}`)];
const gz = files.reduce((n, f) => n + gzipSync(readFileSync(dir + f)).length, 0);
console.log(`dashboard first load: ${(gz / 1024).toFixed(1)} KB gzipped (${files.length} files; limit 150 KB)`);
if (gz >= 150 * 1024) process.exitCode = 1;
