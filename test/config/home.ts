/** A fresh home inside the test file's temporary HOME (test/setup-home.ts), set in process.env. */
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface TestHome {
  home: string;
  project: string;
  claudeJson: string;
  write(file: string, data: unknown): void;
}

export function freshHome(): TestHome {
  const base = process.env.PATCHBAY_TEST_BASE_HOME ?? (process.env.PATCHBAY_TEST_BASE_HOME = process.env.HOME!);
  const home = realpathSync(mkdtempSync(join(base, 'home-')));
  process.env.HOME = home;
  process.env.XDG_CONFIG_HOME = join(home, '.config');
  process.env.XDG_DATA_HOME = join(home, '.local', 'share');
  process.env.APPDATA = join(home, 'AppData', 'Roaming');
  const project = join(home, 'project');
  mkdirSync(project, { recursive: true });
  return {
    home,
    project,
    claudeJson: join(home, '.claude.json'),
    write(file, data) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, typeof data === 'string' ? data : JSON.stringify(data, null, 2));
    },
  };
}
