/**
 * The `audit` section of Patchbay's config.json:
 *
 *   "audit": { "enabled": true, "recordArguments": false, "retentionDays": 30 }
 *
 * On by default (a record of every call is the point of a gateway); arguments are recorded as a
 * digest only, unless `recordArguments` is true, and then redacted.
 */
import { readPatchbayConfigSection } from '../../config/patchbay-config.js';
import { isJsonObject } from '../../config/store/json-file.js';

export interface AuditSettings {
  enabled: boolean;
  recordArguments: boolean;
  retentionDays: number;
}

export async function readAuditSettings(file?: string, warn: (line: string) => void = () => undefined): Promise<AuditSettings> {
  const settings: AuditSettings = { enabled: true, recordArguments: false, retentionDays: 30 };
  let section: unknown;
  try {
    section = await readPatchbayConfigSection('audit', file);
  } catch (error) {
    warn(`audit settings could not be read, defaults are used: ${(error as Error).message}`);
    return settings;
  }
  if (section === undefined) return settings;
  if (!isJsonObject(section)) {
    warn('config.json: "audit" must be an object ({"enabled": true, "recordArguments": false, "retentionDays": 30}); defaults are used');
    return settings;
  }
  if (typeof section.enabled === 'boolean') settings.enabled = section.enabled;
  if (typeof section.recordArguments === 'boolean') settings.recordArguments = section.recordArguments;
  const days = section.retentionDays;
  if (typeof days === 'number' && Number.isFinite(days) && days >= 0) settings.retentionDays = days;
  else if (days !== undefined) warn(`config.json: audit.retentionDays must be a number of days (0 keeps everything), not ${JSON.stringify(days)}; 30 is used`);
  return settings;
}
