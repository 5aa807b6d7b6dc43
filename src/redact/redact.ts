import { ANY_RULE_TRIGGER, PLACEHOLDERS, RULES, type FindingKind } from './detectors.js';
import type { PeopleDirectory } from './people.js';

export type { FindingKind } from './detectors.js';

export type Findings = Partial<Record<FindingKind, number>>;

export interface Redacted {
  text: string;
  /** What was replaced, by kind: stored with the message so that a reviewer can audit the filter. */
  found: Findings;
}

/**
 * Replaces secrets and personal data in `text` with typed placeholders (`{{api_key}}`, `{{email}}`…).
 * Runs before anything is stored, logged, embedded or sent anywhere; pure and deterministic.
 */
export function redactText(text: string, people?: PeopleDirectory): Redacted {
  const found: Findings = {};
  let out = text;
  // Replacements only ever remove what a later rule could look for (placeholders are not searched).
  const rules = ANY_RULE_TRIGGER.test(text) ? RULES : [];
  const lower = rules.length > 0 ? text.toLowerCase() : text;
  for (const rule of rules) {
    if (rule.needs && !rule.needs(text, lower)) continue;
    const source = out;
    out = source.replace(rule.pattern, (...args: unknown[]) => {
      const match = args[0] as string;
      const last = args.at(-1);
      const groups = (typeof last === 'object' && last !== null ? last : {}) as Record<
        string,
        string | undefined
      >;
      const at = args[
        typeof last === 'object' && last !== null ? args.length - 3 : args.length - 2
      ] as number;
      const replacement = rule.replace ? rule.replace(match, groups, source, at) : PLACEHOLDERS[rule.kind];
      if (replacement === null || replacement === match) return match;
      const kind = rule.kindOf ? rule.kindOf(match, groups, source, at) : rule.kind;
      found[kind] = (found[kind] ?? 0) + 1;
      return replacement;
    });
  }
  if (people) {
    const named = people.redact(out, PLACEHOLDERS.person);
    if (named.count > 0) {
      out = named.text;
      found.person = (found.person ?? 0) + named.count;
    }
  }
  return { text: out, found };
}

/** Adds one text's findings to a running total. */
export function addFindings(total: Findings, more: Findings): void {
  for (const [kind, n] of Object.entries(more) as [FindingKind, number][])
    total[kind] = (total[kind] ?? 0) + n;
}
