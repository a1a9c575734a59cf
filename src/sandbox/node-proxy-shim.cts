/**
 * Preloaded (NODE_OPTIONS=--require) into Node processes in a sandbox with a network allow list,
 * so that the global fetch() of Node versions that ignore HTTP_PROXY/HTTPS_PROXY still leaves
 * through the egress proxy. Node 22.21+ and 24+ honour NODE_USE_ENV_PROXY=1, which the sandbox
 * sets, for fetch and the http/https modules alike; there this file does nothing. Below that
 * (Node 20), it wraps fetch and, on the first call only, installs undici's EnvHttpProxyAgent
 * (Patchbay's own undici) as the global dispatcher that Node's fetch reads; loading undici costs
 * about 150 ms, so a process that never fetches never pays it. The http/https modules are not
 * covered on those versions: libraries such as axios read the variables themselves.
 */
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const nativeEnvProxy = major >= 24 || (major === 22 && minor >= 21);
const proxied = Boolean(process.env.HTTPS_PROXY || process.env.HTTP_PROXY);

if (!nativeEnvProxy && proxied && typeof globalThis.fetch === 'function') {
  const original = globalThis.fetch;
  let installed = false;
  const install = () => {
    installed = true;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const undici = require('undici') as typeof import('undici');
      undici.setGlobalDispatcher(new undici.EnvHttpProxyAgent());
    } catch (error) {
      process.stderr.write(`patchbay sandbox: fetch() cannot use the proxy on Node ${process.versions.node}: ${(error as Error).message}\n`);
    }
  };
  globalThis.fetch = function fetch(input: Parameters<typeof original>[0], init?: Parameters<typeof original>[1]) {
    if (!installed) install();
    return original(input, init);
  } as typeof original;
}
