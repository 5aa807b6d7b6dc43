import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { seededRandom } from '../util/random.js';

/*
 * Labelled sets for scoring the clustering. A label null is noise: it belongs to no pattern, and a
 * clustering that leaves it out is right.
 */

export interface LabelledItem {
  text: string;
  label: string | null;
}

const ADJECTIVES = (
  'remote-first,family-owned,fast-growing,mid-sized,non-profit,open-source,early-stage,regional,' +
  'award-winning,budget-conscious,data-driven,eco-friendly,privacy-focused,customer-facing,' +
  'cross-functional,legacy,cloud-native,multilingual,seasonal,subscription-based'
).split(',');
const NOUNS = (
  'bakery in Lisbon,fintech startup,hospital network,logistics company,university library,' +
  'game studio,law firm,coffee roastery,city council,insurance broker,bicycle shop,' +
  'marketing agency,software consultancy,yoga studio,hotel chain,farm cooperative,' +
  'e-commerce platform,museum,dental clinic,football club,recruiting team,research lab,' +
  'travel agency,newsroom,energy utility,car rental service,language school,animal shelter,' +
  'construction firm,payroll provider'
).split(',');
const TOPICS = (
  'quarterly revenue planning,onboarding new engineers,migrating to Kubernetes,reducing customer churn,' +
  'writing a grant proposal,preparing for a job interview,learning Spanish verbs,training for a marathon,' +
  'negotiating a salary raise,designing a loyalty program,cutting cloud costs,planning a product launch,' +
  'improving sleep habits,writing unit tests,handling angry customers,choosing a database,' +
  'organising a team offsite,reviewing a lease contract,building a personal budget,teaching kids chess'
).split(',');

/** A multi-word value no other fill of the same slot uses. */
function valueFor(rand: () => number, used: Set<string>): string {
  for (;;) {
    const r = rand();
    const value =
      r < 0.5
        ? `a ${ADJECTIVES[Math.floor(rand() * ADJECTIVES.length)]} ${NOUNS[Math.floor(rand() * NOUNS.length)]}`
        : TOPICS[Math.floor(rand() * TOPICS.length)]!;
    if (!used.has(value)) {
      used.add(value);
      return value;
    }
  }
}

const SLOT = /\$\{([^}:]+)(?::[^}]*)?\}/g;

/**
 * The templated set: each `${Name:default}` template of awesome-chatgpt-prompts.csv filled `fills`
 * times with different multi-word values (label: the template), mixed with `noise` unrelated real
 * prompts (Chatbot Arena, label null).
 */
export function templatedSet(
  promptsDir: string,
  options: { fills?: number; noise?: number; seed?: number } = {},
): LabelledItem[] {
  return templatedSetWithSlots(promptsDir, options).map(({ text, label }) => ({ text, label }));
}

/** Where a filled value sits in an item's text: [start, end) in UTF-16 code units. */
export interface SlotSpan {
  start: number;
  end: number;
}

export interface SlottedItem extends LabelledItem {
  /** The filled values in text order, one per `${…}` of the template (none for noise). */
  slots: SlotSpan[];
}

/** `templatedSet` with the span of every filled value: the same generator, so the same texts. */
export function templatedSetWithSlots(
  promptsDir: string,
  options: { fills?: number; noise?: number; seed?: number } = {},
): SlottedItem[] {
  const { fills = 4, noise = 300, seed = 7 } = options;
  const rand = seededRandom(seed);
  const rows = parse<{ act: string; prompt: string }>(
    readFileSync(join(promptsDir, 'awesome-chatgpt-prompts.csv')),
    { columns: true },
  );
  const items: SlottedItem[] = [];
  // The CSV holds a few templates twice under different rows: one template, one label.
  const firstRow = new Map<string, number>();
  for (const [i, row] of rows.entries()) {
    if (!row.prompt.includes('${')) continue;
    const key = row.prompt.trim().replace(/\s+/g, ' ');
    if (!firstRow.has(key)) firstRow.set(key, i);
    const label = `template-${firstRow.get(key)!}`;
    const used = new Map<string, Set<string>>();
    for (let f = 0; f < fills; f++) {
      const slots: SlotSpan[] = [];
      // `offset` points into the template; `shift` is how much longer the text is so far.
      let shift = 0;
      const text = row.prompt.replace(SLOT, (whole: string, name: string, offset: number) => {
        const key = name.trim();
        if (!used.has(key)) used.set(key, new Set());
        const value = valueFor(rand, used.get(key)!);
        slots.push({ start: offset + shift, end: offset + shift + value.length });
        shift += value.length - whole.length;
        return value;
      });
      items.push({ text, label, slots });
    }
  }
  if (noise === 0) return items;
  const arena = readFileSync(join(promptsDir, 'arena-hard-v2.0.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { prompt: string }).prompt);
  for (const text of arena.slice(0, noise)) items.push({ text, label: null, slots: [] });
  return items;
}

/** Chatbot Arena prompts with the topic cluster they were labelled with. */
export function arenaHardSet(promptsDir: string): LabelledItem[] {
  return readFileSync(join(promptsDir, 'arena-hard-v0.1.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const row = JSON.parse(line) as { prompt: string; cluster: string };
      return { text: row.prompt, label: row.cluster };
    });
}

/** Every real prompt of the prompt sets: Chatbot Arena (both versions) and awesome-chatgpt-prompts. */
export function realPrompts(promptsDir: string): string[] {
  const prompts: string[] = [];
  for (const file of ['arena-hard-v0.1.jsonl', 'arena-hard-v2.0.jsonl'])
    for (const line of readFileSync(join(promptsDir, file), 'utf8').split('\n'))
      if (line.trim()) prompts.push((JSON.parse(line) as { prompt: string }).prompt);
  const rows = parse<{ prompt: string }>(readFileSync(join(promptsDir, 'awesome-chatgpt-prompts.csv')), {
    columns: true,
  });
  return [...prompts, ...rows.map((r) => r.prompt)];
}
