/**
 * The sandbox for stdio servers and, later, for the built-in shell server's commands (see
 * README.md): settings as written in an entry, the policy they resolve to, and the launcher.
 */
export { createSandbox, type CommandSpec, type Sandbox, type SandboxOptions, type WrappedCommand } from './launcher.js';
export { resolveSandboxPolicy, type SandboxPolicy } from './policy.js';
export { sandboxOptionSchema, sandboxSettingsOf, sandboxLabel, type SandboxOption, type SandboxSettings } from './options.js';
export { sandboxServerCommand, serverStateDir } from './for-server.js';
export { checkSandboxSupport, type SandboxSupport } from './support.js';
