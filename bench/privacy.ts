/*
 * npm run bench:privacy — redaction recall on the planted-secrets corpus, side by side with a
 * recognised secret scanner (detect-secrets, from PyPI) run on the same files in the same run, and
 * how often redaction touches real prompts that hold nothing to hide.
 *
 * Ours is measured through the import path: the corpus is imported with `keepRawText` on, and a
 * planted value counts when it is in some message's raw text; it is caught when no stored (redacted)
 * text or title holds it. detect-secrets scans the export files as they are; a planted value counts as
 * found when one of its findings in that file holds the value (or the value holds the finding, for
 * plugins that report only a prefix), each finding used once; a private key, when a Private Key
 * finding is in its file.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { realPrompts } from '../src/eval/labelled-sets.js';
import { groupRefs } from '../src/ingest/group.js';
import { importFiles } from '../src/ingest/import-file.js';
import { expandInputs } from '../src/ingest/sources.js';
import { redactText } from '../src/redact/redact.js';
import { closeIdleDatabases, queryRows, withDb } from '../src/store/db.js';
import { machine, writeSection } from './report.js';

const root = resolve(import.meta.dirname, '..');
const corpus = join(root, 'test/fixtures/privacy/planted');
const manifest = JSON.parse(readFileSync(`${corpus}.manifest.json`, 'utf8')) as {
  values: { kind: string; value: string; file: string }[];
  benign: { kind: string; value: string; file: string }[];
};
const PERSONAL = new Set(['email', 'phone', 'card_number', 'iban', 'ipv4', 'ipv6', 'person_name']);

/** Every file under `dir`. */
const files = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile());

// --- ours, through the import path --------------------------------------------------------------
const db = join(root, 'bench/.data/privacy.duckdb');
rmSync(db, { force: true });
rmSync(`${db}.wal`, { force: true });
const { refs } = await expandInputs([corpus]);
for (const group of groupRefs(refs)) await importFiles(db, 'bench', group, { keepRawText: true });
const { raw, stored } = await withDb(db, 'read', async (conn) => {
  const rows = await queryRows(conn, 'SELECT raw_text, text, conversation_title FROM messages');
  return {
    raw: rows.map((r) => String(r.raw_text)).join('\n'),
    stored: rows
      .map(
        (r) => `${String(r.text)}\n${typeof r.conversation_title === 'string' ? r.conversation_title : ''}`,
      )
      .join('\n'),
  };
});
closeIdleDatabases();
rmSync(db, { force: true });

/** A private key counts by the lines of its body: one surviving line is a leak. */
const pieces = (value: string): string[] =>
  value.includes('PRIVATE KEY')
    ? value.split('\n').filter((l) => l.length >= 16 && !l.startsWith('-----'))
    : [value];
const planted = manifest.values.filter((v) => pieces(v.value).every((p) => raw.includes(p)));
const oursCaught = new Set(planted.filter((v) => pieces(v.value).every((p) => !stored.includes(p))));
const benignTouched = manifest.benign.filter((b) => raw.includes(b.value) && !stored.includes(b.value));

// --- detect-secrets on the same files ----------------------------------------------------------
interface Finding {
  file: string;
  type: string;
  value: string | null;
}
const version = execFileSync('python3', ['-m', 'detect_secrets', '--version']).toString().trim();
const findings = JSON.parse(
  execFileSync('python3', [join(root, 'bench/peers/detect_secrets_scan.py'), ...files(corpus)], {
    maxBuffer: 64 * 1024 * 1024,
  }).toString(),
) as Finding[];
const used = new Set<Finding>();
const escaped = (v: string): string => JSON.stringify(v).slice(1, -1);
function peerFinds(v: { kind: string; value: string; file: string }): boolean {
  const inFile = findings.filter((f) => !used.has(f) && relative(corpus, f.file) === v.file);
  const hit = v.value.includes('PRIVATE KEY')
    ? inFile.find((f) => f.type === 'Private Key')
    : inFile.find((f) => {
        const s = f.value ?? '';
        return [v.value, escaped(v.value)].some((x) => s.includes(x) || (s.length >= 3 && x.includes(s)));
      });
  if (hit) used.add(hit);
  return hit !== undefined;
}
const peerCaught = new Set(planted.filter(peerFinds));
const peerBenign = manifest.benign.filter((b) =>
  findings.some((f) => relative(corpus, f.file) === b.file && (f.value ?? '').includes(b.value)),
);

// --- real prompts: how many get any redaction ---------------------------------------------------
const shared = resolve(root, '../shared/corpora/prompts');
let realLine = 'skipped: ../shared is absent';
try {
  const prompts = realPrompts(shared);
  const started = performance.now();
  const touched = prompts.filter((p) => Object.keys(redactText(p).found).length > 0).length;
  const seconds = (performance.now() - started) / 1000;
  const chars = prompts.reduce((n, p) => n + p.length, 0);
  realLine = `${touched} of ${prompts.length.toLocaleString('en')} real prompts (${((100 * touched) / prompts.length).toFixed(2)}%) get any redaction at all; redaction runs at ${(chars / 2 ** 20 / seconds).toFixed(0)} MB/s of text on them.`;
} catch (err) {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
}

// --- report ----------------------------------------------------------------------------------------
const kinds = [...new Set(planted.map((v) => v.kind))].sort();
const pct = (n: number, d: number): string => (d === 0 ? '—' : `${((100 * n) / d).toFixed(1)}%`);
const count = (set: Set<unknown>, list: readonly unknown[]): number => list.filter((x) => set.has(x)).length;
const rows = kinds.map((kind) => {
  const of = planted.filter((v) => v.kind === kind);
  return `| ${kind}${PERSONAL.has(kind) ? ' (personal)' : ''} | ${of.length} | ${count(oursCaught, of)} (${pct(count(oursCaught, of), of.length)}) | ${count(peerCaught, of)} (${pct(count(peerCaught, of), of.length)}) |`;
});
const secrets = planted.filter((v) => !PERSONAL.has(v.kind));
const total = (label: string, list: typeof planted): string =>
  `| **${label}** | **${list.length}** | **${count(oursCaught, list)} (${pct(count(oursCaught, list), list.length)})** | **${count(peerCaught, list)} (${pct(count(peerCaught, list), list.length)})** |`;
const missed = planted.filter((v) => !oursCaught.has(v)).map((v) => `${v.kind} in ${v.file}`);

const body = `## Privacy (\`npm run bench:privacy\`)

${new Date().toISOString().slice(0, 10)} on ${machine()}; ${version.startsWith('1.') ? `detect-secrets ${version}` : version} with its default plugins and filters.
The planted-secrets corpus (test/fixtures/privacy, ${manifest.values.length} values of ${new Set(manifest.values.map((v) => v.kind)).size} kinds in 8 export formats) is imported
by pog with the raw text kept for this measurement; a value counts when it is in a message's raw text
(${planted.length} are: the rest sit in assistant turns, tool results or a malformed line, which pog never stores)
and is caught when no stored text holds it. detect-secrets scans the same files; a value is found when a
finding in its file holds it (or holds a prefix of it, as some plugins report).

| kind | planted | pog caught | detect-secrets found |
|---|---|---|---|
${rows.join('\n')}
${total('secrets (keys, tokens, passwords)', secrets)}
${total('all', planted)}

- Benign look-alikes (versions, git SHAs, UUIDs, Luhn-failing numbers, placeholder keys…): pog redacted
  ${benignTouched.length} of ${manifest.benign.length}; detect-secrets flagged ${peerBenign.length}.
- ${realLine}
- Missed by pog: ${missed.length === 0 ? 'none' : missed.join('; ')}.
`;
writeSection(join(root, 'BENCHMARKS.md'), 'bench:privacy', body);
process.stdout.write(body);
