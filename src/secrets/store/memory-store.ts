/** A SecretStore in memory, for tests of the parts that use secrets (references, the traffic guard). */
import { PatchbayError } from '../../errors.js';
import { isValidSecretName, SECRET_NAME_RULE, type SecretMeta, type SecretStore } from './secret-store.js';

export function createMemorySecretStore(initial: Record<string, string> = {}): SecretStore {
  const values = new Map<string, { value: string; meta: SecretMeta }>();
  const put = (name: string, value: string) => {
    const time = new Date().toISOString();
    const existing = values.get(name);
    values.set(name, { value, meta: { name, backend: 'file', setAt: existing?.meta.setAt ?? time, updatedAt: time } });
    return existing === undefined;
  };
  for (const [name, value] of Object.entries(initial)) put(name, value);
  return {
    description: 'an in-memory store',
    list: async () => [...values.values()].map((v) => v.meta).sort((a, b) => a.name.localeCompare(b.name)),
    get: async (name) => values.get(name)?.value,
    async set(name, value) {
      if (!isValidSecretName(name)) throw new PatchbayError('USAGE', `"${name}" is not a valid secret name: ${SECRET_NAME_RULE}`);
      return { created: put(name, value) };
    },
    delete: async (name) => values.delete(name),
    values: async () => new Map([...values].map(([name, v]) => [name, v.value])),
  };
}
