import { describe, expect, it } from 'vitest';

import { fillTemplate } from '../../../src/normalize/template-text.js';
import { toPoml } from '../../../src/promote/poml.js';
import type { PromotionRecord } from '../../../src/promote/record.js';
import { HOSTILE_TEMPLATE, hostileRecord, plainRecord, promotionRecord } from './fixtures.js';
import { pomlTaskText, renderPomlText } from './poml-render.js';
import { xmlProblems } from './xml.js';

function firstExamples(r: PromotionRecord): Record<string, string> {
  return Object.fromEntries(r.template.variables.map((v) => [v.name, v.examples[0] ?? `<${v.name}>`]));
}

describe('toPoml', () => {
  it('writes a <poml> document with the template as the task and the inputs documented', () => {
    const r = plainRecord();
    const poml = toPoml(r);
    expect(xmlProblems(poml)).toEqual([]);
    expect(poml.startsWith('<poml>\n')).toBe(true);
    expect(poml.endsWith('</poml>\n')).toBe(true);
    expect(poml).toContain(
      '<task caption="Review code for issues" captionStyle="hidden" whiteSpace="pre">' +
        'Review the following {{language}} code for {{purpose}}:\n{{code}}</task>',
    );
    expect(poml).toContain('- language, required: a programming or natural language');
    expect(poml).toContain('- purpose, optional: what to look for');
    expect(poml).toContain(
      'Approved by dana at 2024-06-02T10:15:00.000Z (triage item triage-7; reviewers: alex, dana)',
    );
    expect(renderPomlText(pomlTaskText(poml), firstExamples(r))).toBe(
      'Review the following Go code for race conditions:\nfunc main() {}',
    );
  });

  it('escapes hostile text: well-formed XML, no markup or braces leak, and it renders back literally', () => {
    const r = hostileRecord();
    const poml = toPoml(r);
    expect(xmlProblems(poml)).toEqual([]);
    const task = pomlTaskText(poml);
    expect(task).not.toMatch(/[<&]/);
    expect(task).toContain('#lt;script#gt;alert(1)#lt;/script#gt; #amp; #amp;amp;');
    expect(task).not.toContain('{{Not_A_Slot}}');
    expect(task.replace(/\{\{(?:language|code|file_path|\s'#'\s)\}\}/g, '')).not.toMatch(/[{}]/);
    expect(poml).toContain(
      'caption=": # - --- #quot;x#quot; #apos;y#apos; #lbrace;#lbrace;z#rbrace;#rbrace; #lt;b#gt;#amp;amp; 🚀"',
    );
    const values = firstExamples(r);
    expect(renderPomlText(task, values)).toBe(fillTemplate(HOSTILE_TEMPLATE, values));
  });

  it('keeps POML escape look-alikes, control characters and CR literal', () => {
    const template = 'a #lbrace; b #rbrace; c #hash; d #lt; e ## f #\u001b[31m red\r\n {{code}} #amp;lbrace;';
    const r = promotionRecord(template, [{ name: 'code', examples: ['x'] }]);
    const poml = toPoml(r);
    expect(xmlProblems(poml)).toEqual([]);
    expect(renderPomlText(pomlTaskText(poml), { code: 'x' })).toBe(fillTemplate(template, { code: 'x' }));
  });

  it('renames a variable named after a JavaScript reserved word, and says so', () => {
    const r = promotionRecord('Make {{class}} extend {{default}} in {{class_}}', [
      { name: 'class', examples: ['Dog'] },
      { name: 'default', examples: ['Animal'] },
      { name: 'class_', examples: ['zoo.ts'] },
    ]);
    const poml = toPoml(r);
    expect(pomlTaskText(poml)).toBe('Make {{class__}} extend {{default_}} in {{class_}}');
    expect(poml).toContain(
      '- class (passed as class__: a JavaScript reserved word cannot be a POML expression), required',
    );
    expect(renderPomlText(pomlTaskText(poml), { class__: 'Dog', default_: 'Animal', class_: 'zoo.ts' })).toBe(
      'Make Dog extend Animal in zoo.ts',
    );
  });

  it('keeps comments well-formed whatever the notes and titles hold', () => {
    const r = promotionRecord('Do {{code}}', [{ name: 'code', examples: ['x'] }], {
      title: 'end --> <!-- -',
      intent: 'dash-- -\u0001',
    });
    expect(xmlProblems(toPoml(r))).toEqual([]);
  });

  it('is deterministic', () => {
    expect(toPoml(hostileRecord())).toBe(toPoml(hostileRecord()));
  });
});

describe('xmlProblems (the test helper)', () => {
  it('catches what would make the document ill-formed', () => {
    expect(xmlProblems('<poml><task>a < b</task></poml>')).not.toEqual([]);
    expect(xmlProblems('<poml><task>a & b</task></poml>')).not.toEqual([]);
    expect(xmlProblems('<poml><task>x</poml>')).not.toEqual([]);
    expect(xmlProblems('<poml a="1" a="2"></poml>')).not.toEqual([]);
    expect(xmlProblems('<poml><!-- a -- b --></poml>')).not.toEqual([]);
    expect(xmlProblems('<poml>\u0001</poml>')).not.toEqual([]);
    expect(xmlProblems('<poml></poml><poml></poml>')).not.toEqual([]);
    expect(xmlProblems('<poml>\n  <!-- ok -->\n  <task caption="a">b</task>\n</poml>\n')).toEqual([]);
  });
});
