import { createInterface } from 'node:readline/promises';
import { z } from 'zod';
import type { Config } from '../../config/config.js';
import { PogError } from '../../errors.js';
import { TriageConflictError } from '../../triage/errors.js';
import {
  ActResultSchema,
  TriageDetailSchema,
  TriageItemSchema,
  act,
  listItems,
  showItem,
  type ActResult,
  type TriageDetail,
  type TriageItem,
} from '../../triage/queue.js';
import { resolveReviewer } from '../../triage/reviewer.js';
import {
  TRIAGE_STATUSES,
  TriageActionSchema,
  type TriageAction,
  type TriageStatus,
} from '../../triage/states.js';
import { printJson } from '../output.js';

export const TRIAGE_USAGE = `Usage:
  pog triage                                   review the open items one by one (in a terminal)
  pog triage list [--status S[,S…]|open|all] [--json]
  pog triage show ITEM [--json]
  pog triage claim|release|approve|reject|defer ITEM [--note TEXT] [--revision N]
  pog triage edit ITEM --template TEXT [--note TEXT] [--revision N]
  pog triage merge ITEM --into ITEM [--note TEXT] [--revision N]
  pog triage note ITEM --note TEXT
Writes need a reviewer: --reviewer NAME, POG_REVIEWER, or "triage": { "reviewer": NAME } in the config.
ITEM is an item id or a unique prefix of it (at least 6 characters).`;

export const TriageListDocumentSchema = z.object({ items: z.array(TriageItemSchema) });

export interface TriageFlags {
  reviewer?: string | undefined;
  status?: string | undefined;
  note?: string | undefined;
  template?: string | undefined;
  into?: string | undefined;
  revision?: string | undefined;
  json: boolean;
}

function statusFilter(flag: string | undefined): 'open' | 'all' | TriageStatus[] {
  if (flag === undefined || flag === 'open' || flag === 'all') return flag ?? 'open';
  const statuses = flag.split(',').map((s) => s.trim());
  const bad = statuses.filter((s) => !(TRIAGE_STATUSES as readonly string[]).includes(s));
  if (bad.length > 0)
    throw new PogError(
      'USAGE',
      `Unknown status ${bad.join(', ')}: use ${TRIAGE_STATUSES.join(', ')}, open or all.`,
    );
  return statuses as TriageStatus[];
}

function revisionOf(flag: string | undefined): number | undefined {
  if (flag === undefined) return undefined;
  const n = Number(flag);
  if (!Number.isInteger(n) || n < 0)
    throw new PogError('USAGE', `--revision takes a whole number, got "${flag}".`);
  return n;
}

const oneLine = (s: string, max = 70): string => {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

export function formatItems(items: readonly TriageItem[]): string {
  if (items.length === 0) return '(no items)';
  const rows = items.map((i) => [
    i.id,
    i.status + (i.claimedBy && i.status === 'in_review' ? ` (${i.claimedBy})` : ''),
    String(i.occurrences),
    String(i.distinctAuthors),
    i.phase ?? '',
    oneLine(i.template),
  ]);
  const head = ['item', 'status', 'uses', 'authors', 'phase', 'template'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (r: string[]): string =>
    r
      .map((v, c) => v.padEnd(widths[c]!))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function formatDetail(d: TriageDetail): string {
  const i = d.item;
  const lines = [
    `${i.id}  ${i.status}  revision ${i.revision}${i.claimedBy ? `  claimed by ${i.claimedBy} until ${i.claimExpiresAt}` : ''}`,
    `pattern ${i.patternId}  ${i.title ?? ''}  [${i.phase ?? 'unclassified'}]  v${i.version ?? '?'}`,
    `${i.occurrences} uses by ${i.distinctAuthors} authors in ${i.conversations} conversations`,
    '',
    'Template:',
    `  ${i.template.replace(/\n/g, '\n  ')}`,
  ];
  if (d.canonical && d.canonical.variables.length > 0) {
    lines.push('', 'Variables:');
    for (const v of d.canonical.variables)
      lines.push(
        `  {{${v.name}}}${v.required ? '' : ' (optional)'}: ${v.description}` +
          (v.examples.length > 0
            ? `  e.g. ${v.examples.map((e) => JSON.stringify(oneLine(e, 30))).join(', ')}`
            : ''),
      );
  }
  lines.push('', `Members (${d.members.length} shown of ${i.size}):`);
  for (const m of d.members.slice(0, 10)) lines.push(`  - ${oneLine(m.text, 100)}`);
  if (d.notes.length > 0) {
    lines.push('', 'Notes:');
    for (const n of d.notes) lines.push(`  ${n.at} ${n.reviewer}: ${n.note}`);
  }
  if (d.audit.length > 0) {
    lines.push('', 'History:');
    for (const a of d.audit)
      lines.push(
        `  ${a.at} ${a.reviewer} ${a.action} ${a.outcome}${a.message ? `: ${oneLine(a.message, 90)}` : ''}`,
      );
  }
  return lines.join('\n');
}

function formatResult(r: ActResult): string {
  const i = r.item;
  const base = `${i.id}: ${r.action} done, now ${i.status} (revision ${i.revision})`;
  return r.into ? `${base}; merged into ${r.into.id}, which now has ${r.into.size} members` : base;
}

/** `pog triage …`: returns the exit code. */
export async function triage(config: Config, args: readonly string[], flags: TriageFlags): Promise<number> {
  const [sub, id] = args;
  if (sub === undefined) {
    if (!process.stdin.isTTY || !process.stdout.isTTY || flags.json)
      throw new PogError('USAGE', `pog triage alone is interactive and needs a terminal.\n${TRIAGE_USAGE}`);
    await interactive(config, flags);
    return 0;
  }
  if (sub === 'list') {
    const items = await listItems(config.db, { status: statusFilter(flags.status) });
    if (flags.json) printJson(TriageListDocumentSchema, { items });
    else process.stdout.write(formatItems(items) + '\n');
    return 0;
  }
  if (id === undefined) throw new PogError('USAGE', `Which item? ${TRIAGE_USAGE}`);
  if (sub === 'show') {
    const detail = await showItem(config.db, id);
    if (flags.json) printJson(TriageDetailSchema, detail);
    else process.stdout.write(formatDetail(detail) + '\n');
    return 0;
  }
  const action = TriageActionSchema.safeParse(sub);
  if (!action.success) throw new PogError('USAGE', `Unknown triage command "${sub}".\n${TRIAGE_USAGE}`);
  const result = await act(config.db, {
    itemId: id,
    action: action.data,
    reviewer: resolveReviewer(flags.reviewer, config.triage.reviewer),
    claimMinutes: config.triage.claimMinutes,
    ...(flags.note !== undefined ? { note: flags.note } : {}),
    ...(flags.template !== undefined ? { template: flags.template } : {}),
    ...(flags.into !== undefined ? { into: flags.into } : {}),
    ...(flags.revision !== undefined ? { expectRevision: revisionOf(flags.revision) } : {}),
  });
  if (flags.json) printJson(ActResultSchema, result);
  else process.stdout.write(formatResult(result) + '\n');
  return 0;
}

const KEYS: Record<string, TriageAction | 'skip' | 'quit'> = {
  a: 'approve',
  r: 'reject',
  d: 'defer',
  e: 'edit',
  m: 'merge',
  n: 'note',
  s: 'skip',
  q: 'quit',
};

/** One open item after another: shown, claimed, decided with one key. */
async function interactive(config: Config, flags: TriageFlags): Promise<void> {
  const reviewer = resolveReviewer(flags.reviewer, config.triage.reviewer);
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const seen = new Set<string>();
  try {
    for (;;) {
      const next = (await listItems(config.db, { status: ['new', 'deferred'] })).find((i) => !seen.has(i.id));
      if (!next) {
        process.stdout.write('Nothing left to review.\n');
        return;
      }
      seen.add(next.id);
      const detail = await showItem(config.db, next.id);
      process.stdout.write(`\n${formatDetail(detail)}\n`);
      for (;;) {
        const key = (await rl.question('[a]pprove [r]eject [d]efer [e]dit [m]erge [n]ote [s]kip [q]uit > '))
          .trim()
          .toLowerCase();
        const choice = KEYS[key];
        if (choice === undefined) continue;
        if (choice === 'quit') return;
        if (choice === 'skip') break;
        const extra: { template?: string; into?: string; note?: string } = {};
        if (choice === 'edit') extra.template = await rl.question('New template: ');
        if (choice === 'merge') extra.into = await rl.question('Merge into item: ');
        const note = await rl.question(choice === 'note' ? 'Note: ' : 'Note (optional): ');
        if (note.trim() !== '') extra.note = note;
        try {
          const r = await act(config.db, {
            itemId: next.id,
            action: choice,
            reviewer,
            claimMinutes: config.triage.claimMinutes,
            expectRevision: detail.item.revision,
            ...extra,
          });
          process.stdout.write(formatResult(r) + '\n');
          if (choice !== 'note' && choice !== 'edit') break;
          detail.item.revision = r.item.revision;
        } catch (err) {
          if (!(err instanceof PogError)) throw err;
          process.stdout.write(`${err.message}\n`);
          if (err instanceof TriageConflictError) break;
        }
      }
    }
  } finally {
    rl.close();
  }
}
