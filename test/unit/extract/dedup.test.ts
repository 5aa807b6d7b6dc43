import { describe, expect, it } from 'vitest';
import { dedupKey, duplicateGroups, jaccard, shingles } from '../../../src/extract/dedup.js';

describe('duplicateGroups', () => {
  it('groups exact duplicates whatever their case, punctuation and spacing', () => {
    const groups = duplicateGroups([
      { id: 'c3', text: 'Explain  the CAP theorem!' },
      { id: 'c1', text: 'explain the cap theorem' },
      { id: 'c2', text: 'Explain the PACELC theorem' },
    ]);
    expect(groups.get('c3')).toBe('c1');
    expect(groups.get('c1')).toBe('c1');
    expect(groups.get('c2')).toBe('c2');
  });

  it('groups near duplicates (a word added or changed in a long prompt), not prompts of one pattern', () => {
    const base =
      'Review the following Python code for security issues and list each problem with its line number and a fix: {{code}}';
    const groups = duplicateGroups([
      { id: 'a', text: base },
      { id: 'b', text: `${base} Thanks` },
      { id: 'c', text: base.replace('Python', 'Go').replace('security', 'performance') },
    ]);
    expect(groups.get('b')).toBe('a');
    expect(groups.get('c')).toBe('c');
  });

  it('gives the same groups in any input order', () => {
    const items = Array.from({ length: 40 }, (_, i) => ({
      id: `c${String(i).padStart(2, '0')}`,
      text: `Write a haiku about topic number ${i % 7} for the team newsletter this week`,
    }));
    const forward = duplicateGroups(items);
    const backward = duplicateGroups([...items].reverse());
    expect(Object.fromEntries(backward)).toEqual(Object.fromEntries(forward));
    expect(new Set(forward.values()).size).toBe(7);
  });

  it('computes Jaccard similarity over word 3-grams', () => {
    const a = shingles(dedupKey('one two three four'));
    expect(jaccard(a, a)).toBe(1);
    expect(jaccard(a, shingles(dedupKey('one two three five')))).toBeCloseTo(1 / 3);
  });
});
