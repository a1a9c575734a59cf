/** `patchbay mcp reset-project-choices`: forget approvals of .mcp.json servers, keep other settings. */
import { findProjectRoot } from '../../config/locations.js';
import { resetProjectChoices } from '../../config/scopes.js';
import { write } from './format.js';

export async function runResetProjectChoices(options: { cwd?: string }): Promise<void> {
  const projectRoot = findProjectRoot(options.cwd ?? process.cwd());
  const changed = await resetProjectChoices(projectRoot);
  write('All project-scoped (.mcp.json) server approvals and rejections have been reset.');
  write('You will be asked to approve them again the next time Claude Code starts in this project.');
  for (const file of changed) write(`File modified: ${file}`);
}
