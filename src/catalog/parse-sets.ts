import { PatchbayError } from '../errors.js';

/** `--set KEY=VALUE` flags (catalog add, bundle install) as a map; the value may hold `=`. */
export function parseSets(list: string[] = []): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const item of list) {
    const at = item.indexOf('=');
    if (at <= 0) throw new PatchbayError('USAGE', `--set ${item.split('=')[0]}: expected KEY=VALUE`);
    inputs[item.slice(0, at)] = item.slice(at + 1);
  }
  return inputs;
}
