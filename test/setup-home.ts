// Runs before every test file: point every home-ish variable at a fresh temp dir so
// no test can touch the real user's files (Claude Code's ~/.claude.json, Claude Desktop's config, logs).
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const home = mkdtempSync(join(tmpdir(), 'patchbay-home-'));
process.env.HOME = home;
process.env.USERPROFILE = home;
process.env.APPDATA = join(home, 'AppData', 'Roaming');
process.env.LOCALAPPDATA = join(home, 'AppData', 'Local');
process.env.XDG_CONFIG_HOME = join(home, '.config');
process.env.XDG_DATA_HOME = join(home, '.local', 'share');
process.env.XDG_STATE_HOME = join(home, '.local', 'state');
process.env.XDG_CACHE_HOME = join(home, '.cache');
// The secret store's OS keychain backend is never used by tests: a real keychain is the user's.
process.env.PATCHBAY_SECRET_BACKEND = 'file';
delete process.env.PATCHBAY_SECRET_KEY;
for (const dir of [process.env.APPDATA, process.env.XDG_CONFIG_HOME]) mkdirSync(dir, { recursive: true });
