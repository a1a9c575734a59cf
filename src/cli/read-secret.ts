/**
 * Reads a secret value for `patchbay secrets set`: from a terminal without echo (nothing of the
 * value is printed, not even `*`, so its length stays private), or the whole of stdin when it
 * is a pipe or file (`op read … | patchbay secrets set NAME`). One trailing newline is dropped.
 */
import { PatchbayError } from '../errors.js';

const MAX_VALUE_BYTES = 64 * 1024;

export async function readSecretValue(name: string, stdin: NodeJS.ReadStream = process.stdin, stderr: NodeJS.WriteStream = process.stderr): Promise<string> {
  const value = stdin.isTTY ? await readFromTerminal(name, stdin, stderr) : await readAll(stdin);
  const trimmed = value.replace(/\r?\n$/, '');
  if (trimmed === '') throw new PatchbayError('USAGE', `no value given for secret "${name}"; nothing was stored`, { hint: `Type it when asked, or pipe it in: printf %s "$VALUE" | patchbay secrets set ${name}` });
  return trimmed;
}

async function readAll(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > MAX_VALUE_BYTES) throw new PatchbayError('USAGE', `the value on stdin is larger than ${MAX_VALUE_BYTES / 1024} KiB, which is not a secret; nothing was stored`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function readFromTerminal(name: string, stdin: NodeJS.ReadStream, stderr: NodeJS.WriteStream): Promise<string> {
  return new Promise((resolve, reject) => {
    stderr.write(`Value for ${name} (not shown): `);
    let value = '';
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    const finish = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (text: string) => {
      for (const char of text) {
        if (char === '\r' || char === '\n' || char === '\u0004') return finish();
        if (char === '\u0003') return finish(new PatchbayError('USAGE', 'cancelled; nothing was stored', { exitCode: 130 }));
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else value += char;
      }
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}
