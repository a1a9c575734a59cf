/**
 * One planted secret per rule, in the exact formats the rules know (fake values: none of them
 * was ever a real credential). `text` puts the value where the rule looks for it; `value` is
 * what must never show up in any output.
 */
const b64 = (n: number, seed = 7) => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out += alphabet[x % alphabet.length];
  }
  return out;
};

export interface Planted {
  /** The secret itself. */
  value: string;
  /** Where it sits in a string the rule checks (for env values: the value itself). */
  text: string;
  /** Whether the value fits in a one-line env variable (not a PEM block or a JSON key file). */
  envValue: boolean;
}

function plant(value: string, text = value, envValue = true): Planted {
  return { value, text, envValue };
}

/** A 1Password service-account token: ops_ + the base64 of a JSON object (the rule decodes it). */
function onePasswordToken(): string {
  for (let n = 0; ; n++) {
    const encoded = Buffer.from(JSON.stringify({ email: 'svc@acmecorp.io', secretKey: b64(90 + n, 14) })).toString('base64');
    if (/fQ==$/.test(encoded)) return `ops_${encoded}`;
  }
}

const pem = `-----BEGIN RSA PRIVATE KEY-----\nMII${b64(240, 11)}\n-----END RSA PRIVATE KEY-----`;

/** Keyed by rule id (short secretlint ids and Patchbay's own rules). */
export const PLANTED: Record<string, Planted> = {
  anthropic: plant(`sk-ant-api03-${b64(93, 1)}AA`),
  openai: plant(`sk-proj-${b64(74, 2)}T3BlbkFJ${b64(74, 3)}`),
  github: plant(`ghp_${b64(36, 4)}`),
  slack: plant(`xoxb-2048169532-8342947103921-${b64(24, 5)}`),
  aws: plant(`wJalrXUtnFEMI/K7MDENG/${b64(18, 6)}`, ''),
  npm: plant(`npm_${b64(36, 8)}`),
  sendgrid: plant(`SG.${b64(22, 9)}.${b64(43, 10)}`),
  shopify: plant(`shpat_${b64(32, 12).toLowerCase().replace(/[g-z]/g, 'a')}`),
  linear: plant(`lin_api_${b64(40, 13)}`),
  '1password': plant(onePasswordToken()),
  basicauth: plant('Qw7rTz9PkL2v', ''),
  'database-connection-string': plant('Hq5mVw8RtY3n', ''),
  privatekey: plant(pem, pem, false),
  'api-key-prefix': plant(`AIza${b64(35, 15)}`),
};
PLANTED.aws!.text = `aws_secret_access_key = "${PLANTED.aws!.value}"`;
PLANTED.basicauth!.text = `https://deploybot:${PLANTED.basicauth!.value}@git.acmecorp.io/repo`;
PLANTED['database-connection-string']!.text = `postgres://appuser:${PLANTED['database-connection-string']!.value}@db.acmecorp.io:5432/app`;

/** A value no pattern knows: only the stored-secret rule can catch it. */
export const UNPATTERNED = 'correct horse battery staple 4417';
