/**
 * The checks that read text: instruction tags, instructions that override the host's, requests
 * to read sensitive files and pass them on as arguments, concealment, and words spelled with
 * look-alike letters. They run on folded text (unicode.ts: no invisible characters, NFKC,
 * confusables mapped to ASCII, lower case), so `＜ＩＭＰＯＲＴＡＮＴ＞`, `<ΙMPORTANT>` and
 * `&lt;important&gt;` are one and the same tag.
 *
 * Each pattern was written against an attack and a benign near-miss (test/policy/scan/): the
 * published tool-poisoning examples on one side, and the descriptions of real servers
 * (server-filesystem, server-everything) on the other, which must come out clean.
 */
import type { ScanCheck, ScanLevel } from './types.js';
import { execAll as matches } from './text.js';
import { foldForMatch } from './unicode.js';

export interface TextHit {
  check: ScanCheck;
  level: ScanLevel;
  message: string;
  /** The matched text (folded). */
  match: string;
}

/** Tags no honest description needs: they exist to address the model over the user's head. */
const INSTRUCTION_TAG =
  /<\s*\/?\s*(important|system|system[-_ ]?(?:prompt|message|instructions?)|instructions?|hidden|override|secret[-_ ]instructions?|ai[-_ ]instructions?|tool[-_ ]instructions?|assistant[-_ ]instructions?)(?:\s[^<>]{0,80})?\s*\/?\s*>/g;
/** Chat-template control tokens: `<|im_start|>`, `<|system|>`, `<<SYS>>`, `[INST]`, `[SYSTEM]`. */
const SPECIAL_TOKEN = /<\|\s*[a-z_]{2,20}\s*\|>|<<\s*\/?\s*sys\s*>>|\[\s*\/?\s*(?:inst|system|sys)\s*\]/g;
/** Hidden from anyone who reads the description rendered as Markdown, not from the model. */
const HTML_COMMENT = /<!--([\s\S]*?)(?:-->|$)/g;

/** Instructions that claim to outrank the host's and the user's. */
const OVERRIDE = [
  /\b(?:ignore|disregard|forget|override|bypass|skip)\s+(?:all\s+|any\s+)?(?:of\s+)?(?:the\s+|your\s+|my\s+)?(?:previous|prior|above|earlier|preceding|other|original|system|safety)\s+(?:instructions?|prompts?|rules?|directions?|guidelines?|messages?)/g,
  /\b(?:these|this|the following)\s+(?:instructions?|rules?|notes?)\s+(?:override|supersede|take\s+precedence\s+over|replace)\b/g,
  /\byou\s+are\s+now\s+(?:in\s+)?(?:developer|admin|god|jailbreak|dan|unrestricted)\b/g,
];
/** Markdown ways of shouting at the model; common in honest descriptions too, so only a warning. */
const MARKDOWN_SHOUT = /(?:^|\n|[.!?]\s)\s*(?:#{1,6}\s*|\*\*|__|\*)?\s*(important|attention|note\s+to\s+(?:the\s+)?(?:ai|assistant|model|llm)|instructions?\s+for\s+(?:the\s+)?(?:ai|assistant|model|llm)|system\s+note)\s*(?:\*\*|__|\*)?\s*[:!]/g;

/** Credential stores and the files that decide what runs (mirrors src/sandbox/protected-paths.ts). */
const SENSITIVE: { pattern: RegExp; what: string }[] = [
  { pattern: /(?:^|[^\w.])\.ssh\b(?:[\\/][\w.-]*\w)?|\bid_(?:rsa|dsa|ecdsa|ed25519)\b|\bauthorized_keys\b|\bknown_hosts\b/g, what: 'SSH keys' },
  { pattern: /(?:^|[^\w.])\.aws\b(?:[\\/](?:credentials|config))?|\baws_secret_access_key\b/g, what: 'AWS credentials' },
  { pattern: /\.config[\\/]gcloud\b|\bapplication_default_credentials\.json\b|\bgcloud[\\/]credentials/g, what: 'Google Cloud credentials' },
  { pattern: /(?:^|[^\w.])\.azure\b/g, what: 'Azure credentials' },
  { pattern: /\.kube[\\/]config\b|\bkubeconfig\b/g, what: 'Kubernetes credentials' },
  { pattern: /\.docker[\\/]config\.json\b/g, what: 'Docker registry credentials' },
  { pattern: /(?:^|[^\w.])\.(?:netrc|npmrc|pypirc|git-credentials|gnupg|vault-token|pgpass)\b|\.config[\\/]gh[\\/]hosts\.yml\b/g, what: 'a credentials file' },
  { pattern: /(?:^|[^\w.$])\.env(?:\.[a-z]+)?(?![\w-])|\.envrc\b/g, what: 'a .env file' },
  { pattern: /\bclaude_desktop_config\.json\b|\.claude\.json\b|\.claude[\\/]settings|\.cursor[\\/]mcp\.json\b|\.vscode[\\/]mcp\.json\b|\bmcp_config\.json\b|\.codeium[\\/]|(?:^|[^\w.])mcp\.json\b/g, what: 'an MCP host configuration' },
  { pattern: /\/etc\/(?:passwd|shadow|sudoers)\b|\.(?:bash|zsh)_history\b|\bwallet\.dat\b/g, what: 'a system or history file' },
];
/** A request to read, in the sentence before the path. */
const READ_VERB = /\b(?:read|open|cat|load|fetch|retrieve|access|include|attach|copy|upload|send|print|output|dump|extract|grab|collect|look\s+(?:at|in)|check)\b[^.!?\n]{0,80}$/;
/** "pass its content as 'sidenote'": moving data into an argument the user never sees filled. */
const PASS_AS_ARGUMENT =
  /\b(?:pass|put|include|insert|add|send|provide|supply|place|paste|embed|append|copy|set)\b(?:[^.;!?\n]|\.(?=\S)){0,60}?\b(?:contents?|text|data|keys?|secrets?|credentials?|tokens?|passwords?)\b(?:[^.;!?\n]|\.(?=\S)){0,40}?\b(?:as|in|into|inside|via|through|to)\s+(?:the\s+|a\s+|an\s+)?(?:['"`][\w.-]+['"`]|[\w.-]+\s+(?:parameter|param|argument|arg|field|property|input)|(?:parameter|param|argument|arg|field|property)\s+['"`]?[\w.-]+)/g;

/** Hiding what happens from the person the tool works for. */
const CONCEALMENT = [
  /\b(?:do\s+not|don'?t|never|must\s+not|mustn'?t|should\s+not|shouldn'?t)\s+(?:ever\s+|explicitly\s+|directly\s+)?(?:tell|inform|notify|alert|mention|reveal|disclose|show|say|explain|report|let)\b[^.!?\n]{0,30}?\b(?:the\s+)?(?:user|human|operator|person)s?\b/g,
  /\b(?:do\s+not|don'?t|never)\s+(?:mention|reveal|disclose|share|repeat|acknowledge)\s+(?:that\b|these\s+|this\s+(?:instruction|note|step|requirement)|the\s+(?:instruction|note|step|requirement))/g,
  /\bwithout\s+(?:telling|informing|notifying|alerting|showing|letting)\s+(?:the\s+)?(?:user|human|operator)/g,
  /\b(?:hide|conceal|keep)\b[^.!?\n]{0,30}?\bfrom\s+(?:the\s+)?(?:user|human|operator)s?\b/g,
  /\b(?:the\s+)?(?:user|human)\s+(?:must|should|need|needs)\s+(?:not|never)\s+(?:to\s+)?(?:know|see|be\s+told|find\s+out|notice|learn|be\s+aware)/g,
  /\b(?:could|might|would|will)\s+(?:even\s+)?(?:upset|scare|alarm|worry|confuse)\s+the\s+user\b/g,
  /\bsilently\s+(?:send|forward|copy|upload|exfiltrate|read|include|transmit|email|post)\b/g,
];

/** One identifier-like token (a type, an enum value, a property name): no sentence, no tag can hide in it. */
const SINGLE_TOKEN = /^[a-z0-9_-]{0,40}$/;

export function checkText(folded: string, original: string): TextHit[] {
  const hits: TextHit[] = [];
  if (SINGLE_TOKEN.test(folded)) {
    // Most strings of a schema are like this; only a credential file name can be one token.
    for (const { pattern, what } of SENSITIVE) for (const m of matches(pattern, folded)) hits.push({ check: 'sensitive-path', level: 'info', message: `mentions ${what} (${m[0].trim()})`, match: m[0].trim() });
    homoglyphs(original, hits);
    return hits;
  }
  for (const m of matches(INSTRUCTION_TAG, folded)) {
    hits.push({ check: 'instruction-tag', level: 'error', message: `an instruction tag <${m[1]}> addresses the model over the user's head`, match: m[0] });
  }
  for (const m of matches(SPECIAL_TOKEN, folded)) {
    hits.push({ check: 'instruction-tag', level: 'error', message: `a chat-template control token (${m[0]}) tries to speak as the system`, match: m[0] });
  }
  for (const m of matches(HTML_COMMENT, folded)) {
    if (/[a-z]{2}/.test(m[1] ?? '')) hits.push({ check: 'instruction-tag', level: 'error', message: 'an HTML comment hides text from anyone reading the rendered description', match: m[0] });
  }
  for (const pattern of OVERRIDE) {
    for (const m of matches(pattern, folded)) hits.push({ check: 'override', level: 'error', message: 'tells the model to set aside its other instructions', match: m[0] });
  }
  for (const m of matches(MARKDOWN_SHOUT, folded)) {
    hits.push({ check: 'override', level: 'warn', message: `"${m[1]}:" addresses the model directly`, match: m[0].trim() });
  }
  for (const pattern of CONCEALMENT) {
    for (const m of matches(pattern, folded)) hits.push({ check: 'concealment', level: 'error', message: 'asks the model to keep something from the user', match: m[0] });
  }
  let sensitive = false;
  for (const { pattern, what } of SENSITIVE) {
    for (const m of matches(pattern, folded)) {
      sensitive = true;
      const before = folded.slice(Math.max(0, m.index - 120), m.index);
      const asked = READ_VERB.test(before);
      hits.push({
        check: 'sensitive-path',
        level: asked ? 'warn' : 'info',
        message: asked ? `asks to read ${what} (${m[0].trim()})` : `mentions ${what} (${m[0].trim()})`,
        match: m[0].trim(),
      });
    }
  }
  for (const m of matches(PASS_AS_ARGUMENT, folded)) {
    // Alone, "pass the text as the `query` argument" is an ordinary usage note; next to a
    // credential path it is the exfiltration step of a poisoned tool.
    hits.push({
      check: 'exfiltration',
      level: sensitive ? 'error' : 'info',
      message: sensitive ? 'asks to pass the contents of a sensitive file as an argument' : 'asks to pass content on as an argument',
      match: m[0],
    });
  }
  homoglyphs(original, hits);
  return hits;
}

function homoglyphs(original: string, hits: TextHit[]): void {
  const mixed = mixedScriptWords(original);
  if (mixed.length > 0) {
    hits.push({ check: 'homoglyph', level: 'warn', message: `spells ${mixed.length === 1 ? 'a word' : `${mixed.length} words`} with look-alike letters from another script (${mixed.slice(0, 3).join(', ')})`, match: mixed[0]! });
  }
}

/** Words with both ASCII letters and non-ASCII letters that fold to ASCII: "pаssword" with a Cyrillic а. */
function mixedScriptWords(text: string): string[] {
  if (/^[\x00-\x7f]*$/.test(text)) return [];
  const out: string[] = [];
  for (const [word] of text.normalize('NFKC').matchAll(/\p{L}[\p{L}\p{M}]*/gu)) {
    if (!/[a-z]/i.test(word) || /^[\x00-\x7f]*$/.test(word)) continue;
    const folded = foldForMatch(word);
    if (folded !== word.toLowerCase() && /^[a-z]+$/.test(folded)) out.push(word);
  }
  return out;
}
