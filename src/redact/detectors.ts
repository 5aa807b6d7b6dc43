import { entropy, ibanValid, luhnValid } from './checksums.js';

/*
 * What redaction looks for. Rules run in order on the text the previous ones left: private keys and
 * tokens with a fixed shape first (a JWT or a key must not be half-eaten by the phone or card rule),
 * then secrets recognised by their name (`PASSWORD=…`, `client_secret: …`), then personal data.
 * Shape alone is not enough for numbers: cards pass Luhn and a known issuer prefix, IBANs their
 * country's length and mod-97, so that order numbers and timestamps stay.
 */

export type FindingKind =
  | 'private_key'
  | 'jwt'
  | 'openai_key'
  | 'anthropic_key'
  | 'aws_access_key'
  | 'aws_secret_key'
  | 'google_api_key'
  | 'github_token'
  | 'gitlab_token'
  | 'npm_token'
  | 'slack_token'
  | 'stripe_key'
  | 'other_api_key'
  | 'bearer_token'
  | 'url_password'
  | 'password_assignment'
  | 'secret_assignment'
  | 'email'
  | 'phone'
  | 'card_number'
  | 'iban'
  | 'ip_address'
  | 'person';

/** Typed placeholders: coarser than the kinds, so that templates stay readable. */
export const PLACEHOLDERS: Record<FindingKind, string> = {
  private_key: '{{private_key}}',
  jwt: '{{token}}',
  openai_key: '{{api_key}}',
  anthropic_key: '{{api_key}}',
  aws_access_key: '{{api_key}}',
  aws_secret_key: '{{secret}}',
  google_api_key: '{{api_key}}',
  github_token: '{{token}}',
  gitlab_token: '{{token}}',
  npm_token: '{{token}}',
  slack_token: '{{token}}',
  stripe_key: '{{api_key}}',
  other_api_key: '{{api_key}}',
  bearer_token: '{{token}}',
  url_password: '{{password}}',
  password_assignment: '{{password}}',
  secret_assignment: '{{secret}}',
  email: '{{email}}',
  phone: '{{phone}}',
  card_number: '{{card_number}}',
  iban: '{{iban}}',
  ip_address: '{{ip_address}}',
  person: '{{person}}',
};

export interface Rule {
  kind: FindingKind;
  pattern: RegExp;
  /**
   * The replacement for one match (named groups in `groups`), or null to leave it. Without it the
   * whole match becomes the placeholder.
   */
  replace?: (
    match: string,
    groups: Record<string, string | undefined>,
    text: string,
    at: number,
  ) => string | null;
  /** The kind to count a replacement as, when it depends on the match. */
  kindOf?: (
    match: string,
    groups: Record<string, string | undefined>,
    text: string,
    at: number,
  ) => FindingKind;
  /**
   * Cheap test that lets the rule be skipped for most messages: plain substring searches where it
   * can (much faster than a regex alternation), on the text before any rule ran and its lower case.
   */
  needs?: (text: string, lower: string) => boolean;
}

const ph = (kind: FindingKind): string => PLACEHOLDERS[kind];

const AWS_PREFIXES = ['AKIA', 'ASIA', 'AGPA', 'AIDA', 'AROA', 'AIPA', 'ANPA', 'ANVA', 'ABIA', 'ACCA'];

/** Values that stand for a secret without being one: `${DB_PASSWORD}`, `<token>`, `xxxx`, `changeme`. */
export function isPlaceholderValue(value: string): boolean {
  const v = value.trim();
  return (
    v.length === 0 ||
    /^(\$\{?|%\(?|\{|<|\[)/.test(v) ||
    /^[*x.•#_-]+$/i.test(v) ||
    /^(your|my|the|some|a|an|example|sample|dummy|fake|test|placeholder|redacted|secret|password|passwd|token|key|api[_-]?key|none|null|nil|undefined|true|false|empty|string|str|env|changeme|change_me|todo|tbd|xxx+)([_-]?[a-z]+)*$/i.test(
      v,
    ) ||
    /^(process\.env|os\.environ|os\.getenv|env\(|getenv|System\.getenv|ENV\[)/.test(v)
  );
}

/** A bare (unquoted) value that reads as code — `request.form['x']`, `get_password()`, `None` — not a literal. */
function looksLikeExpression(value: string): boolean {
  return /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*(?:\(|\[|$)/.test(value) && !/\d/.test(value);
}

/** Drops one layer of matching quotes. */
function unquote(value: string): { inner: string; quoted: boolean } {
  const m = /^(["'`])(.*)\1$/s.exec(value);
  return m ? { inner: m[2]!, quoted: true } : { inner: value, quoted: false };
}

function hasClasses(s: string, min: number): boolean {
  let n = 0;
  if (/[a-z]/.test(s)) n++;
  if (/[A-Z]/.test(s)) n++;
  if (/\d/.test(s)) n++;
  if (/[^A-Za-z0-9]/.test(s)) n++;
  return n >= min;
}

/** Whether a value assigned to a password-like name is a password worth hiding. */
function passwordValue(raw: string, envStyle: boolean): string | null {
  const { inner, quoted } = unquote(raw);
  // A sentence's full stop is not part of the password; a trailing `!` may well be.
  const value = quoted || envStyle ? inner : inner.replace(/[.,;:)\]}]+$/, '');
  if (value.length < 3 || isPlaceholderValue(value)) return null;
  if (quoted) return value.trim().split(/\s+/).length > 3 ? null : value; // a sentence, not a password
  if (envStyle) return value;
  if (looksLikeExpression(value)) return null;
  return value.length >= 4 && hasClasses(value, 2) ? value : null;
}

/** Whether a value assigned to a secret-like name (token, client_secret…) looks random enough to be one. */
function secretValue(raw: string): string | null {
  const { inner } = unquote(raw);
  const value = inner.replace(/[.,;:)\]}]+$/, '');
  if (value.length < 12 || isPlaceholderValue(value) || looksLikeExpression(value)) return null;
  if (/\s/.test(value)) return null;
  const hex = /^[0-9a-f]+$/i.test(value);
  if (hex ? value.length < 24 : !hasClasses(value, 2)) return null;
  return entropy(value) >= (hex ? 3 : 3.3) ? value : null;
}

/** The part of an identifier before `at`: `DB_` of `DB_PASSWORD` when a keyword matched at `PASSWORD`. */
function keyBefore(text: string, at: number): string {
  let start = at;
  while (start > 0 && /[\w.-]/.test(text[start - 1]!)) start--;
  return text.slice(start, at);
}

/** Replaces `value` inside `match` (keeping the name and the quotes around it). */
function swapValue(match: string, value: string, placeholder: string): string {
  const at = match.lastIndexOf(value);
  return match.slice(0, at) + placeholder + match.slice(at + value.length);
}

// `name = value`, `name: value`, `name is value`, and ARM/Bicep parameters' `"name": { "value": … }`.
const SEP = String.raw`(?<sep>["']?[ \t]*:[ \t]*\{[ \t]*["']?value["']?[ \t]*:[ \t]*|["']?[ \t]*(?::=|=>|=|:)[ \t]*|[ \t]+(?:is|was)[ \t]+)`;
const VALUE = String.raw`(?<value>"[^"\n]{1,300}"|'[^'\n]{1,300}'|\x60[^\x60\n]{1,300}\x60|[^\s"'\x60,;]{1,300})`;

const IPV4_OCTET = String.raw`(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`;
const HEX4 = '[0-9A-Fa-f]{1,4}';

/**
 * Matches every text that some rule's `needs` accepts (and more): one scan that lets most messages,
 * which need no rule, skip the twenty-odd `needs` checks (3 µs of a 120-character prompt, more than
 * parsing it). Case-insensitive, so that it also holds for the checks made on the lower-cased text;
 * the Kelvin sign, the one character outside ASCII that lower-cases to an ASCII letter (`k`) and can
 * so complete a trigger, passes on its own (cheaper than Unicode case folding for every text). A
 * rule added to RULES must add its trigger here: test/unit/redact/redact.test.ts checks the superset
 * on generated texts.
 */
export const ANY_RULE_TRIGGER =
  /pass|pwd|aws|amazon|s3|iam|akia|asia|secret|token|key|credential|auth|private key|eyj|sk-|_live_|_test_|whsec_|a(?:kia|sia|gpa|ida|roa|ipa|npa|nva|bia|cca|iza)|gh[pousr]_|github_pat_|gl[a-z]{1,4}-|npm_|xox|xapp-|hooks\.slack|sg\.|hf_|accountkey=|sk[0-9a-f]{32}|:\/\/|bearer|basic|@|[a-z]{2}\d{2}|\d{4}|::|:[0-9a-f]{1,4}:[0-9a-f]{1,4}:|\d\.\d|\d[\d ().-]{7,}\d|\u212a/i;

export const RULES: Rule[] = [
  {
    kind: 'private_key',
    // To the END line, or to the end of the message when the paste was cut off.
    pattern:
      /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|$)/g,
    needs: (t) => t.includes('PRIVATE KEY'),
  },
  {
    kind: 'jwt',
    pattern: /\beyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}/g,
    needs: (t) => t.includes('eyJ'),
  },
  { kind: 'anthropic_key', pattern: /\bsk-ant-[A-Za-z0-9_-]{20,}/g, needs: (t) => t.includes('sk-ant-') },
  {
    kind: 'openai_key',
    pattern: /\bsk-(?!ant-)(?:proj-|svcacct-|admin-|None-)?(?<body>[A-Za-z0-9_-]{20,})/g,
    // sk-learn-contrib-imbalanced is a package name, not a key.
    replace: (_m, g) => (/\d/.test(g.body!) && entropy(g.body!) >= 3.5 ? ph('openai_key') : null),
    needs: (t) => t.includes('sk-'),
  },
  {
    kind: 'stripe_key',
    pattern: /\b(?:(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9+/]{24,})/g,
    needs: (t) => t.includes('_live_') || t.includes('_test_') || t.includes('whsec_'),
  },
  {
    kind: 'aws_access_key',
    pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ABIA|ACCA)[A-Z0-9]{16}\b/g,
    needs: (t) => AWS_PREFIXES.some((p) => t.includes(p)),
  },
  {
    kind: 'google_api_key',
    pattern: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g,
    needs: (t) => t.includes('AIza'),
  },
  {
    kind: 'github_token',
    pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})/g,
    needs: (t) => ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'].some((p) => t.includes(p)),
  },
  {
    kind: 'gitlab_token',
    pattern: /\bgl(?:pat|ptt|dt|rt|cbt|soat|ffct|imt|oas)-[A-Za-z0-9_-]{20,}/g,
    needs: (t) => t.includes('gl') && /\bgl[a-z]{1,4}-/.test(t),
  },
  { kind: 'npm_token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/g, needs: (t) => t.includes('npm_') },
  {
    kind: 'slack_token',
    pattern:
      /\bxox[abposre]-[A-Za-z0-9-]{10,}|\bxapp-\d-[A-Za-z0-9-]{10,}|https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/]{20,}/g,
    needs: (t) => t.includes('xox') || t.includes('xapp-') || t.includes('hooks.slack'),
  },
  {
    kind: 'other_api_key',
    // SendGrid, Twilio, Hugging Face, Azure storage account keys.
    pattern:
      /\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}|\bSK[0-9a-f]{32}\b|\bhf_[A-Za-z0-9]{30,}\b|(?<=AccountKey=)[A-Za-z0-9+/]{40,}={0,2}/g,
    needs: (t) =>
      t.includes('SG.') ||
      t.includes('hf_') ||
      t.includes('AccountKey=') ||
      (t.includes('SK') && /SK[0-9a-f]{32}/.test(t)),
  },
  {
    kind: 'url_password',
    // The password of `scheme://user:password@host`; greedy to the authority's last `@`.
    pattern: /\b(?<scheme>[a-z][a-z0-9+.-]{1,20}:\/\/)(?<user>[^\s:/@?#]*):(?<value>[^\s/?#]+)@(?=[\w[])/gi,
    replace: (_m, g) => (isPlaceholderValue(g.value!) ? null : `${g.scheme}${g.user}:${ph('url_password')}@`),
    needs: (t) => t.includes('://') && t.includes('@'),
  },
  {
    kind: 'bearer_token',
    pattern: /\b(?<scheme>Bearer|Basic|Token)[ \t]+(?<value>[A-Za-z0-9._~+/-]{16,}=*)/g,
    replace: (m, g) =>
      isPlaceholderValue(g.value!) || entropy(g.value!) < 3
        ? null
        : swapValue(m, g.value!, ph('bearer_token')),
    needs: (t) => t.includes('Bearer') || t.includes('Basic') || t.includes('Token'),
  },
  {
    kind: 'password_assignment',
    // Keyword first, the rest of the name found around it: a pattern that starts at every word
    // boundary costs ten times more on long pastes.
    pattern: new RegExp(
      String.raw`(?<kw>password|passwd|passwort|passphrase|pwd|pass)(?<rest>[\w.-]*)${SEP}${VALUE}`,
      'gi',
    ),
    replace: (m, g, text, at) => {
      const key = keyBefore(text, at) + g.kw! + g.rest!;
      // `pass` alone is a word (bypass, passing); as a name it stands apart: `pass`, `db_pass`.
      if (/^pass$/i.test(g.kw!) && !/(?:^|[_.-])pass(?:[_.-]|$)/i.test(key)) return null;
      // `PASSWORD=x` (an env file or a shell line): whatever follows is the password.
      const envStyle = /^[A-Z0-9_]+$/.test(key) && /^=$|^:$/.test(g.sep!.trim());
      const value = passwordValue(g.value!, envStyle);
      return value ? swapValue(m, value, ph('password_assignment')) : null;
    },
    needs: (_t, lower) => lower.includes('pass') || lower.includes('pwd'),
  },
  {
    kind: 'aws_secret_key',
    pattern: /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g,
    replace: (m) => (hasClasses(m, 3) && entropy(m) >= 4.2 ? ph('aws_secret_key') : null),
    // Forty random characters are an AWS secret only where AWS is being talked about.
    needs: (_t, lower) =>
      ['aws', 'amazon', 's3', 'iam', 'akia', 'asia', 'secret'].some((w) => lower.includes(w)),
  },
  {
    kind: 'secret_assignment',
    pattern: new RegExp(
      String.raw`(?<kw>secret|token|apikey|[_-]key\b|credentials?|auth)(?<rest>[\w.-]*)${SEP}${VALUE}`,
      'gi',
    ),
    replace: (m, g) => {
      const value = secretValue(g.value!);
      return value ? swapValue(m, value, ph('secret_assignment')) : null;
    },
    // aws_secret_access_key = … is an AWS secret, whatever its length.
    kindOf: (_m, g, text, at) =>
      /aws/i.test(keyBefore(text, at) + g.kw! + g.rest!) ? 'aws_secret_key' : 'secret_assignment',
    needs: (t, lower) =>
      ['secret', 'token', 'key', 'credential', 'auth'].some((w) => lower.includes(w)) &&
      (t.includes(':') || t.includes('=') || lower.includes(' is ') || lower.includes(' was ')),
  },
  {
    kind: 'email',
    pattern:
      /(?<![\w.%+-])(?<local>[A-Za-z0-9][A-Za-z0-9._%+-]*)@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![\w-])/g,
    // git@github.com:org/repo is an SSH remote, not somebody's address.
    replace: (m, g, text, at) => (g.local === 'git' && text[at + m.length] === ':' ? null : ph('email')),
    needs: (t) => t.includes('@'),
  },
  {
    kind: 'iban',
    pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/g,
    replace: (m) => {
      // Take as many characters as the country's IBAN has; what follows stays.
      for (let end = m.length; end >= 15; end--) {
        const compact = m.slice(0, end).replace(/ /g, '');
        if ((end === m.length || m[end] === ' ' || /[A-Z0-9]/.test(m[end]!)) && ibanValid(compact)) {
          return ph('iban') + m.slice(end);
        }
      }
      return null;
    },
    needs: (t) => /[A-Z]{2}\d{2}/.test(t),
  },
  {
    kind: 'card_number',
    pattern: /(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])/g,
    replace: (m) => {
      const digits = m.replace(/[ -]/g, '');
      if (digits.length < 13 || digits.length > 19) return null;
      // Long ids (a Gmail thread id, a snowflake) pass Luhn one time in ten: an unbroken run of digits
      // is taken for a card only at the usual 15 or 16.
      if (digits.length === m.length && digits.length !== 15 && digits.length !== 16) return null;
      const issuer =
        /^(?:4|5[1-5]|3[47]|3(?:0[0-5]|[68])|6(?:011|5|4[4-9]|22)|35|62)/.test(digits) ||
        (digits.length === 16 && Number(digits.slice(0, 4)) >= 2221 && Number(digits.slice(0, 4)) <= 2720);
      return issuer && luhnValid(digits) ? ph('card_number') : null;
    },
    needs: (t) => /\d{4}/.test(t),
  },
  {
    kind: 'ip_address',
    pattern: new RegExp(
      String.raw`(?<![\w:])(?:(?:${HEX4}:){7}${HEX4}|(?:${HEX4}:){1,7}:(?:${HEX4}(?::${HEX4}){0,6})?|::${HEX4}(?::${HEX4}){0,6})(?:\/\d{1,3})?(?![\w:])`,
      'g',
    ),
    replace: (m) => {
      const groups = m
        .replace(/\/\d+$/, '')
        .split(':')
        .filter(Boolean);
      // `crate::a::b` and `std::vector` are paths; an address has several groups and a digit.
      return groups.length >= 3 && /\d/.test(m) && (groups.length === 8 || m.includes('::'))
        ? ph('ip_address')
        : null;
    },
    needs: (t) => t.includes(':') && /::|:[0-9a-fA-F]{1,4}:[0-9a-fA-F]{1,4}:/.test(t),
  },
  {
    kind: 'ip_address',
    // Not inside a file name or a longer dotted run: app-4.18.2.1.jar, 1.2.3.4.5.
    pattern: new RegExp(
      String.raw`(?<![\w.-])(?:${IPV4_OCTET}\.){3}${IPV4_OCTET}(?:\/\d{1,2})?(?!\.?\d|\w|\.[A-Za-z])`,
      'g',
    ),
    replace: (m, _g, text, at) => {
      // Loopback, "any", netmasks, and version numbers (v1.2.3.4, ==1.2.3.4) are not anybody's address.
      if (/^(?:127\.|0\.0\.0\.0|255\.)/.test(m)) return null;
      const before = text.slice(Math.max(0, at - 12), at);
      if (/(?:\bv|version|\bver\.?|release|==|>=|<=|~=|\^)(?:\s*(?:is|:|=))?\s*$/i.test(before)) return null;
      return ph('ip_address');
    },
    needs: (t) => t.includes('.') && /\d\.\d/.test(t),
  },
  {
    kind: 'phone',
    pattern:
      /(?<![\w+=/#.-])(?:\+\d{9,15}|\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]\d{2,6}){1,4}|\(\d{3}\)[ .-]?\d{3}[ .-]\d{4}|\d{3}[.-]\d{3}[.-]\d{4}|0\d{2,4}[ -]?\d{3,4}[ -]?\d{3,4})(?![\w-]|\.\d)/g,
    replace: (m) => {
      const digits = m.replace(/\D/g, '');
      if (digits.length < 9 || digits.length > 15) return null;
      // 2024-01-15 or 0800-1200 style ranges are not phone numbers.
      if (/^\d{4}-\d{2}-\d{2}/.test(m)) return null;
      return ph('phone');
    },
    needs: (t) => /\d[\d ().-]{7,}\d/.test(t),
  },
];
