/**
 * The hub's public face: `createHub(options)` runs and supervises every configured server and
 * serves their aggregated catalog through the `Hub` seam the gateway consumes (./types.ts).
 */
export { createHub, type HubControl, type HubOptions, type HubStats } from './hub.js';
export type { Hub, HubEvent, HubServerStatus, DownstreamContext } from './types.js';
export { HubRpcError } from './types.js';
export { buildServerEnv, isPassThroughVariable } from './env-policy.js';
export { namespacedName } from './names.js';
export { serverLogFileName } from './log/hub-logs.js';
