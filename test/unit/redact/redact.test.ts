import { describe, expect, it } from 'vitest';
import { redactText } from '../../../src/redact/redact.js';
import { PeopleDirectory } from '../../../src/redact/people.js';
import { ibanValid, luhnValid } from '../../../src/redact/checksums.js';
import { ANY_RULE_TRIGGER, RULES } from '../../../src/redact/detectors.js';

// Each case: the text, the value that must be gone, and the kind and placeholder that replace it.
const SECRETS: Array<[string, string, string, string]> = [
  [
    'curl -H "Authorization: Bearer sk-proj-Ab3dEf9hIjKlMn0pQrStUvWx1yZaBcDeFgH"',
    'sk-proj-Ab3dEf9hIjKlMn0pQrStUvWx1yZaBcDeFgH',
    'openai_key',
    '{{api_key}}',
  ],
  [
    'OPENAI_API_KEY=sk-4fT9bQ2xLm7Zr1Wc8Yv3Nd6Hs0Kp5Jg2Ae9Bu4Ci7Do1Ex3Fy',
    'sk-4fT9bQ2xLm7Zr1Wc8Yv3Nd6Hs0Kp5Jg2Ae9Bu4Ci7Do1Ex3Fy',
    'openai_key',
    '{{api_key}}',
  ],
  [
    'key: sk-ant-api03-Zx8Vb2Nm4Lk6Jh8Gf0Ds2Aq4We6Rt8Yu0Io2Pa4Sd6Fg8Hj0Kl-AbCdEfAA',
    'sk-ant-api03-Zx8Vb2Nm4Lk6Jh8Gf0Ds2Aq4We6Rt8Yu0Io2Pa4Sd6Fg8Hj0Kl-AbCdEfAA',
    'anthropic_key',
    '{{api_key}}',
  ],
  ['aws_access_key_id = AKIAZ7QW3ER5TY7UI9OP', 'AKIAZ7QW3ER5TY7UI9OP', 'aws_access_key', '{{api_key}}'],
  [
    'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'aws_secret_key',
    '{{secret}}',
  ],
  [
    'maps key AIzaSyD4x9Qw2Er5Ty8Ui1Op3As6Df9Gh2Jk5Lz in the page',
    'AIzaSyD4x9Qw2Er5Ty8Ui1Op3As6Df9Gh2Jk5Lz',
    'google_api_key',
    '{{api_key}}',
  ],
  [
    'git push https://ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8@github.com/x',
    'ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8',
    'github_token',
    '{{token}}',
  ],
  ['GITLAB_TOKEN glpat-Xy7Zq2Wr9Tu4Vs6Pn8Mk', 'glpat-Xy7Zq2Wr9Tu4Vs6Pn8Mk', 'gitlab_token', '{{token}}'],
  [
    '//registry.npmjs.org/:_authToken=npm_Q2w3E4r5T6y7U8i9O0p1A2s3D4f5G6h7J8k9',
    'npm_Q2w3E4r5T6y7U8i9O0p1A2s3D4f5G6h7J8k9',
    'npm_token',
    '{{token}}',
  ],
  [
    'bot token xoxb-2941872301-8812345123456-Qw3Er5Ty7Ui9Op1As3Df5Gh7',
    'xoxb-2941872301-8812345123456-Qw3Er5Ty7Ui9Op1As3Df5Gh7',
    'slack_token',
    '{{token}}',
  ],
  [
    'stripe.api_key = "sk_live_51Hx7Qw2Er5Ty8Ui1Op3As6Df"',
    'sk_live_51Hx7Qw2Er5Ty8Ui1Op3As6Df',
    'stripe_key',
    '{{api_key}}',
  ],
  [
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U expired?',
    'dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    'jwt',
    '{{token}}',
  ],
  [
    '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----',
    'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ',
    'private_key',
    '{{private_key}}',
  ],
  [
    'cut off: -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC',
    'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC',
    'private_key',
    '{{private_key}}',
  ],
  [
    'DATABASE_URL=postgres://app:Tr0ub4dor&3x!@10.0.3.17:5432/prod',
    'Tr0ub4dor&3x!',
    'url_password',
    '{{password}}',
  ],
  ['redis://:p@ss@w0rd@cache.internal:6379', 'p@ss@w0rd', 'url_password', '{{password}}'],
  ['DB_PASSWORD=Winter2024!', 'Winter2024!', 'password_assignment', '{{password}}'],
  ['the wifi password is hunter2hunter2.', 'hunter2hunter2', 'password_assignment', '{{password}}'],
  [
    '{"username": "svc", "password": "correct-horse-9"}',
    'correct-horse-9',
    'password_assignment',
    '{{password}}',
  ],
  [
    'webhook_secret: 9f8A7b6C5d4E3f2G1h0IjKlMnOp',
    '9f8A7b6C5d4E3f2G1h0IjKlMnOp',
    'secret_assignment',
    '{{secret}}',
  ],
  [
    'Authorization: Bearer 7d9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d',
    '7d9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d',
    'bearer_token',
    '{{token}}',
  ],
  [
    'Summarize this email from jane.doe+billing@acme-corp.co.uk please',
    'jane.doe+billing@acme-corp.co.uk',
    'email',
    '{{email}}',
  ],
  ['call me at +1 (415) 555-0134', '555-0134', 'phone', '{{phone}}'],
  ['UK mobile 07700 900123 after 5', '07700 900123', 'phone', '{{phone}}'],
  ['Berlin office +49 30 901820', '901820', 'phone', '{{phone}}'],
  ['refund card 4111 1111 1111 1111 today', '4111 1111 1111 1111', 'card_number', '{{card_number}}'],
  ['Amex 378282246310005 declined', '378282246310005', 'card_number', '{{card_number}}'],
  ['IBAN DE89 3704 0044 0532 0130 00 for the invoice', 'DE89 3704 0044 0532 0130 00', 'iban', '{{iban}}'],
  ['pay GB82WEST12345698765432 now', 'GB82WEST12345698765432', 'iban', '{{iban}}'],
  ['ssh into 192.168.1.20 and check', '192.168.1.20', 'ip_address', '{{ip_address}}'],
  ['the pod IP is fe80::1ff:fe23:4567:890a', 'fe80::1ff:fe23:4567:890a', 'ip_address', '{{ip_address}}'],
];

// Text that looks like a secret or personal data to a careless rule and must stay as it is.
const BENIGN = [
  'pip install scikit-learn and sk-learn-contrib-imbalanced-ensemble',
  'commit 3f2a9c1e8b7d6f5a4e3d2c1b0a9f8e7d6c5b4a39 broke the build',
  'uuid 123e4567-e89b-12d3-a456-426614174000 in the logs',
  'the migration ran on 2024-01-15 at 12:30:45 UTC',
  'order ORD-2024-000123 has shipped',
  'the card 4111 1111 1111 1112 fails the checksum',
  'threadId="2534890117293407609"',
  'set OPENAI_API_KEY=sk-... or YOUR_API_KEY first',
  'password = request.form["password"]; if password == confirm_password:',
  'logging.info(f"Password: {password}")',
  'export DB_PASSWORD=${DB_PASSWORD}',
  'Password: must be at least 8 characters',
  'bump lodash to version 4.17.21 and numpy==1.26.4',
  'colour #1a2b3c and port 8080, see https://docs.python.org/3/library/re.html',
  'use std::vector<int> and crate::a::b paths',
  'git clone git@github.com:acme/api.git',
  'max_tokens = 4096 and token_count: 1500',
  'the version is 10.2.3.4 (v1.2.3.4) and ==2.0.0.1',
  'bypass: true, passing = 3',
  'see https://support.example.com/help?article=000095037 for details',
];

describe('redactText', () => {
  it.each(SECRETS)('%s', (text, secret, kind, placeholder) => {
    const r = redactText(text);
    expect(r.text).not.toContain(secret);
    expect(r.text).toContain(placeholder);
    expect(r.found[kind as keyof typeof r.found]).toBeGreaterThan(0);
  });

  it.each(BENIGN)('leaves %s', (text) => {
    expect(redactText(text)).toEqual({ text, found: {} });
  });

  it('is stable: the same text gives the same result, and redacting twice changes nothing', () => {
    const text = SECRETS.map(([t]) => t).join('\n');
    const once = redactText(text);
    expect(redactText(text)).toEqual(once);
    expect(redactText(once.text).text).toBe(once.text);
  });

  it('keeps the structure around a value: the user name of a URL, the quotes of an assignment', () => {
    expect(redactText('postgres://app:S3cr3t!pw@db.internal/prod').text).toBe(
      'postgres://app:{{password}}@db.internal/prod',
    );
    expect(redactText('client_secret = "Zx9Cv8Bn7Mm6Ll5Kk4Jj3Hh2"').text).toBe(
      'client_secret = "{{secret}}"',
    );
  });
});

describe('ANY_RULE_TRIGGER', () => {
  // What the rules' `needs` look for, cut into pieces and mixed with characters whose case folds
  // oddly (the Kelvin sign, dotted I, long s), digits and the punctuation the rules care about.
  const PIECES = [
    ...'PRIVATE KEY|eyJ|sk-ant-|sk-|_live_|_test_|whsec_|AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ABIA|ACCA|AIza'.split(
      '|',
    ),
    ...'ghp_|gho_|ghu_|ghs_|ghr_|github_pat_|glpat-|gl|npm_|xox|xapp-|hooks.slack|SG.|hf_|AccountKey=|SK'.split(
      '|',
    ),
    ...'://|@|Bearer|Basic|Token|pass|PWD|aws|Amazon|s3|IAM|secret|token|KEY|credential|Auth| is | was '.split(
      '|',
    ),
    ...'::|:|=|.|-|_|/|(|)| |\n|\u212a|\u0130|\u017f|ß|é|0|1|7|12|2024|3f|ab|DE|Q|x|y|z'.split('|'),
    ...SECRETS.flatMap(([text]) => [text.slice(0, 12), text.slice(-12)]),
  ];

  it('matches every text some rule needs to look at, and passes over plain prose', () => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      return seed % n;
    };
    const needed = new Set<number>();
    let skipped = 0;
    for (let i = 0; i < 30_000; i++) {
      let text = '';
      for (let k = 1 + random(6); k > 0; k--) {
        const piece = PIECES[random(PIECES.length)]!;
        text += random(4) === 0 ? piece.toUpperCase() : random(4) === 0 ? piece.toLowerCase() : piece;
      }
      const lower = text.toLowerCase();
      const rules = RULES.flatMap((rule, r) => (rule.needs!(text, lower) ? [r] : []));
      rules.forEach((r) => needed.add(r));
      if (rules.length > 0) expect(ANY_RULE_TRIGGER.test(text), JSON.stringify(text)).toBe(true);
      else if (!ANY_RULE_TRIGGER.test(text)) skipped++;
    }
    expect(RULES.filter((_r, i) => !needed.has(i)).map((r) => r.kind)).toEqual([]); // every check exercised
    expect(skipped).toBeGreaterThan(1000);
    // Lower-cased, the Kelvin sign is a `k`: "A\u212aIA" is an AWS key prefix to the rules that read
    // the lower-cased text.
    expect(RULES.some((rule) => rule.needs!('A\u212aIA', 'A\u212aIA'.toLowerCase()))).toBe(true);
    expect(ANY_RULE_TRIGGER.test('A\u212aIA')).toBe(true);
    for (const prose of ['Summarize this article for the team in three bullet points', 'Explain recursion'])
      expect(ANY_RULE_TRIGGER.test(prose)).toBe(false);
  });
});

describe('people', () => {
  const people = new PeopleDirectory();
  for (const n of ['Priya Raman', 'jdoe42', 'Will Smith', 'bob']) people.add(n);

  it('replaces full names, first and last names on their own, handles and possessives', () => {
    const r = redactText("Ask Priya Raman, or Priya's team; ping @jdoe42 or Smith.", people);
    expect(r.text).toBe("Ask {{person}}, or {{person}}'s team; ping @{{person}} or {{person}}.");
    expect(r.found.person).toBe(4);
  });

  it('leaves words that are names only sometimes, unless part of a full name', () => {
    expect(redactText('Will you check? It will work.', people).text).toBe('Will you check? It will work.');
    expect(redactText('cc Will Smith', people).text).toBe('cc {{person}}');
  });

  it('matches full names in any case, single names only capitalised', () => {
    expect(redactText('priya raman said so', people).text).toBe('{{person}} said so');
    expect(redactText('a raman spectrum', people).text).toBe('a raman spectrum');
  });
});

describe('checksums', () => {
  it('Luhn and IBAN', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(ibanValid('DE89370400440532013000')).toBe(true);
    expect(ibanValid('DE89370400440532013001')).toBe(false);
    expect(ibanValid('GB82WEST12345698765432')).toBe(true);
  });
});
