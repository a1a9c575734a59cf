/** package.json, tsconfig.json, README.md and .gitignore of a new server project. */
import type { ProjectInfo } from '../project-info.js';

export function packageJson(p: ProjectInfo): string {
  const v = p.versions;
  const bin = p.transport === 'http' ? { [p.name]: 'dist/src/http.js' } : { [p.name]: 'dist/src/stdio.js' };
  const pkg = {
    name: p.name,
    version: p.version,
    description: p.description,
    mcpName: `io.github.your-github-user/${p.name}`,
    license: 'MIT',
    author: { name: 'Your Name' },
    type: 'module',
    bin,
    files: ['dist/src', 'server.json', 'manifest.json'],
    engines: { node: '>=20.18.1' },
    scripts: {
      prebuild: 'node scripts/manifests.mjs',
      build: 'tsc -p .',
      start: p.transport === 'http' ? 'node dist/src/http.js' : 'node dist/src/stdio.js',
      ...(p.transport === 'both' ? { 'start:http': 'node dist/src/http.js' } : {}),
      test: 'npm run build && node --test dist/test/server.test.js dist/test/e2e.test.js',
      conformance: 'node scripts/conformance.mjs',
      manifests: 'node scripts/manifests.mjs',
    },
    patchbay: { transport: p.transport, httpPort: p.httpPort },
    dependencies: {
      '@modelcontextprotocol/node': v['@modelcontextprotocol/node'],
      '@modelcontextprotocol/server': v['@modelcontextprotocol/server'],
      zod: v.zod,
    },
    devDependencies: {
      '@modelcontextprotocol/client': v['@modelcontextprotocol/client'],
      '@modelcontextprotocol/conformance': v['@modelcontextprotocol/conformance'],
      '@types/node': v['@types/node'],
      typescript: v.typescript,
    },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

export const TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noUncheckedIndexedAccess: true,
      skipLibCheck: true,
      outDir: 'dist',
      rootDir: '.',
      types: ['node'],
    },
    include: ['src', 'test'],
  },
  null,
  2,
)}\n`;

export const GITIGNORE = 'node_modules/\ndist/\n';

export function readme(p: ProjectInfo): string {
  return `# ${p.name}

${p.description}

An MCP server on the official TypeScript SDK v2, created by \`patchbay new server\`.

\`\`\`sh
npm install
npm test              # builds, then the in-memory client test and the end-to-end tests
npm start             # ${p.transport === 'http' ? 'Streamable HTTP on 127.0.0.1' : 'stdio, as hosts launch it'}
${p.transport === 'both' ? 'npm run start:http    # Streamable HTTP on http://127.0.0.1:' + p.httpPort + '/mcp\n' : ''}npm run conformance   # the official conformance suite against the fixture mode (Node 22+)
\`\`\`

- \`src/tools/convert-temperature.ts\` — the example tool: annotations, an output schema with
  structured content, errors as \`isError\` results. Add tools beside it and register them in
  \`src/server.ts\`.
- \`src/stdio.ts\`, \`src/http.ts\` — the entries. HTTP binds 127.0.0.1 and checks Host and Origin
  on every request. \`--fixture\` adds the conformance suite's fixture (src/fixture.ts).
- \`npm run conformance\` needs Node 22 or later. Without it: \`npx -y node@22 scripts/conformance.mjs\`.
- \`server.json\` (MCP Registry) and \`manifest.json\` (MCPB bundle) are written from package.json
  by \`scripts/manifests.mjs\` before every build: set \`mcpName\`, \`description\`, \`author\` there.
  \`npx @anthropic-ai/mcpb validate manifest.json\` checks the manifest.
- Register it with a host: \`patchbay mcp add ${p.name} -- node $PWD/dist/src/stdio.js\`.
`;
}
