/**
 * Capabilities Patchbay offers its upstreams as a client: it forwards these requests to the
 * client whose call caused them, and roots/list outside a call to the client whose workspace it
 * serves (server-requests.ts). Roots `listChanged` (MCP 2025-11-25, client/roots): a downstream
 * client's notifications/roots/list_changed reaches the hub through rootsChanged and is sent on
 * to every connected upstream. The probe (`doctor`, `mcp list`) declares the same, so a server
 * that adapts its tool list to its client lists the same tools there as under `patchbay up`.
 */
export const CLIENT_CAPABILITIES = { roots: { listChanged: true }, sampling: {}, elicitation: { form: {}, url: {} } };

/** How the capabilities above read in a sentence. */
export const CLIENT_CAPABILITY_NAMES = 'roots, sampling and elicitation';
