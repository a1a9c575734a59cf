/**
 * The 100 permission rules of the bench's policy row: rules on 20 other servers in every list,
 * and ten deny rules with argument conditions on the benchmarked tool itself, so every call is
 * decided against conditions (the costly case), not only looked up.
 */
export function benchPermissions() {
  const deny = [];
  const ask = [];
  const allow = [];
  for (let i = 0; i < 10; i++) deny.push(`mcp__echo__echo(text:forbidden-${i}-*)`);
  for (let i = 0; i < 30; i++) deny.push(`mcp__server${i % 20}__drop_${i}`);
  for (let i = 0; i < 30; i++) ask.push(`mcp__server${i % 20}__write_${i}(path:~/projects/${i}/**)`);
  for (let i = 0; i < 29; i++) allow.push(`mcp__server${i % 20}__read_${i}`);
  allow.push('mcp__echo');
  return { deny, ask, allow, defaultMode: 'ask' };
}
