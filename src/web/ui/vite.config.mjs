// Builds the dashboard into dist/web/ui (run by `npm run build` and `prepare`); no CDN at run time.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/ui/',
  logLevel: 'warn',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: { outDir: fileURLToPath(new URL('../../../dist/web/ui', import.meta.url)), emptyOutDir: true, target: 'es2022' },
});
