import { describe, expect, it } from 'vitest';

import { instructionText } from '../../../src/extract/instruction.js';
import { induceTemplate } from '../../../src/normalize/induce-template.js';
import { fillTemplate, matchTemplate, slotNames } from '../../../src/normalize/template-text.js';

const CODE_REVIEW = [
  'Review the following Python code for security issues:\ndef add(a, b):\n    return a + b',
  'Review the following Go code for performance:\nfunc add(a int, b int) int {\n\treturn a + b\n}',
  'Review the following TypeScript code for readability:\nfunction add(a: number, b: number): number {\n  return a + b;\n}',
];

/** Small diffs that share their header structure line by line (`diff --git`, `index`, `---`, `+++`, `@@`). */
const COMMIT_DIFFS = [
  'Write a conventional commit message for this diff:\ndiff --git a/src/api.ts b/src/api.ts\nindex 1a2b3c4..5d6e7f8 100644\n--- a/src/api.ts\n+++ b/src/api.ts\n@@ -10,3 +10,4 @@ export class Api {\n   get(path: string) {\n-    return fetch(path);\n+    return fetch(this.base + path);\n   }',
  'Write a conventional commit message for this diff:\ndiff --git a/billing/tax.py b/billing/tax.py\nindex 9f8e7d6..c5b4a39 100644\n--- a/billing/tax.py\n+++ b/billing/tax.py\n@@ -4,2 +4,3 @@ def rate(country):\n-    return RATES[country]\n+    return RATES.get(country, DEFAULT_RATE)',
  'Write a conventional commit message for this diff:\ndiff --git a/README.md b/README.md\nindex 0a1b2c3..4d5e6f7 100644\n--- a/README.md\n+++ b/README.md\n@@ -1,2 +1,2 @@\n-# Acme CLI\n+# Acme command line tools\n Install with npm.',
];

/** Pasted reports that share their section labels: the labels must not become literal template text. */
const INCIDENT_REPORTS = [
  'Summarize this incident report for the executive team in 3 bullet points:\nImpact: checkout returned errors for 18% of requests for 95 minutes.\nRoot cause: the connection pooler kept using the old primary after a failover.\nFollow-ups: enable DNS re-resolution and route storage alarms to the paging channel.',
  'Summarize this incident report for non-technical stakeholders in 4 bullet points:\nImpact: the public API was unreachable for two hours because its certificate expired.\nRoot cause: the certificate was renewed by hand and the reminder went to a former employee.\nFollow-ups: move all certificates to automated renewal and alert on expiry.',
  'Summarize this incident report for the on-call engineers in 5 bullet points:\nImpact: search results were stale for about three hours.\nRoot cause: a retried import job doubled the indexing load and the indexers fell behind.\nFollow-ups: make the import idempotent and scale indexers on consumer lag.',
];

/** Every permutation of a small array. */
function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

/** Deterministic pseudo-random generator, so generated members are the same on every run. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

describe('induceTemplate: the code-review cluster', () => {
  it('turns language, purpose and the pasted code block into three slots', () => {
    const result = induceTemplate(CODE_REVIEW);
    expect(result.template).toBe('Review the following {{language}} code for {{purpose}}:\n{{code}}');
    expect(result.slots.map((s) => s.name)).toEqual(['language', 'purpose', 'code']);
    expect(result.coverage).toBe(1);
  });

  it('keeps the literal spelling the members use', () => {
    const sameLine = CODE_REVIEW.map((m) => m.replace(':\n', ': '));
    expect(induceTemplate(sameLine).template).toBe(
      'Review the following {{language}} code for {{purpose}}: {{code}}',
    );
  });

  it('collects each slot’s distinct values as examples, in canonical member order', () => {
    const { slots } = induceTemplate(CODE_REVIEW);
    expect(slots).toEqual([
      { name: 'language', examples: ['Go', 'Python', 'TypeScript'] },
      { name: 'purpose', examples: ['performance', 'security issues', 'readability'] },
      {
        name: 'code',
        examples: [
          'func add(a int, b int) int {\n\treturn a + b\n}',
          'def add(a, b):\n    return a + b',
          'function add(a: number, b: number): number {\n  return a + b;\n}',
        ],
      },
    ]);
  });

  it('gives a template whose values fill back into every member', () => {
    const { template } = induceTemplate(CODE_REVIEW);
    for (const member of CODE_REVIEW) {
      const values = matchTemplate(template, member);
      expect(values).not.toBeNull();
      expect(fillTemplate(template, values ?? {})).toBe(member);
    }
  });

  it('does not let code that contains the literal words split the code slot', () => {
    const members = [
      ...CODE_REVIEW,
      'Review the following Java code for naming:\n// code for review\nfor (int i = 0; i < n; i++) {\n  sum += i;\n}',
    ];
    const result = induceTemplate(members);
    expect(result.template).toBe('Review the following {{language}} code for {{purpose}}:\n{{code}}');
    expect(result.coverage).toBe(1);
    expect(result.slots[2]?.examples).toContain(
      '// code for review\nfor (int i = 0; i < n; i++) {\n  sum += i;\n}',
    );
  });
});

describe('induceTemplate: determinism', () => {
  it('returns the same result for every order of the same members', () => {
    const members = [...CODE_REVIEW, 'Review the following Rust code for memory safety:\nfn main() {\n}'];
    const expected = induceTemplate(members);
    for (const order of permutations(members)) expect(induceTemplate(order)).toEqual(expected);
  });

  it('is order independent with outliers and ties too', () => {
    const members = [
      'Write a poem about cats',
      'Write a short poem about dogs',
      'Write a funny poem about birds',
      'Write a poem about cats',
      'What is the capital of France?',
    ];
    const expected = induceTemplate(members);
    for (const order of permutations(members)) expect(induceTemplate(order)).toEqual(expected);
  });
});

describe('induceTemplate: slots', () => {
  it('merges consecutive varying words into one multi-word slot', () => {
    const result = induceTemplate([
      'Act as a senior tax lawyer and review my contract',
      'Act as a friendly tutor and review my essay',
      'Act as a pirate and review my poem',
    ]);
    expect(result.template).toBe('Act as a {{role}} and review my {{review}}');
    expect(result.slots[0]?.examples).toEqual(['friendly tutor', 'pirate', 'senior tax lawyer']);
  });

  it('absorbs a literal word when a member has nothing in a varying position', () => {
    const result = induceTemplate(['Write a poem about cats', 'Write a short poem about dogs']);
    expect(result.template).toBe('Write a {{write}} about {{topic}}');
    expect(result.slots[0]?.examples).toEqual(['poem', 'short poem']);
    expect(result.coverage).toBe(1);
  });

  it('keeps slot names unique', () => {
    const result = induceTemplate([
      'Compare Python and Go',
      'Compare Rust and Java',
      'Compare Ruby and Kotlin',
    ]);
    expect(result.template).toBe('Compare {{language}} and {{language_2}}');
    expect(new Set(slotNames(result.template)).size).toBe(result.slots.length);
  });

  it('caps examples at five distinct values', () => {
    const languages = ['Python', 'Go', 'Rust', 'Java', 'Kotlin', 'Swift', 'Python'];
    const result = induceTemplate(languages.map((l) => `Write a hello world program in ${l} please`));
    expect(result.template).toBe('Write a hello world program in {{language}} please');
    expect(result.slots[0]?.examples).toEqual(['Go', 'Java', 'Kotlin', 'Python', 'Rust']);
  });

  it('names slots from what they hold', () => {
    const cases: Array<[string[], string]> = [
      [
        ['Open https://a.com/x and list links', 'Open https://b.org/y/z and list links'],
        'Open {{url}} and list links',
      ],
      [
        ['Read src/app.ts and summarize it', 'Read ./lib/x/y.py and summarize it'],
        'Read {{file_path}} and summarize it',
      ],
      [['Close ticket ABC-123 as done', 'Close ticket XY-9 as done'], 'Close ticket {{ticket_id}} as done'],
      [['Review PR #1234 carefully', 'Review PR #77 carefully'], 'Review PR {{ticket_id}} carefully'],
      [
        ['Send a reminder to bob@example.com now', 'Send a reminder to al@corp.io now'],
        'Send a reminder to {{email}} now',
      ],
      [['Give me 3 startup ideas', 'Give me 10 startup ideas'], 'Give me {{number}} startup ideas'],
      [
        ['Book the room on 2024-03-01 please', 'Book the room on March 5 please'],
        'Book the room on {{date}} please',
      ],
      [
        ['Translate this text into French now', 'Translate this text into German now'],
        'Translate this text into {{language}} now',
      ],
    ];
    for (const [members, template] of cases) expect(induceTemplate(members).template).toBe(template);
  });

  it('names other slots from the preceding preposition, else the nearest content word', () => {
    expect(
      induceTemplate(['Move data from staging to production', 'Move users from legacy to the cloud'])
        .template,
    ).toBe('Move {{move}} from {{source}} to {{target}}');
    expect(
      induceTemplate(['Write a blog post about cats', 'Write a blog post about remote work']).template,
    ).toBe('Write a blog post about {{topic}}');
    expect(
      induceTemplate(['Create a class called UserService now', 'Create a class called Cache now']).template,
    ).toBe('Create a class called {{name}} now');
    expect(
      induceTemplate(['Summarize this email: hi team, lunch is moved', 'Summarize this email: please review'])
        .template,
    ).toBe('Summarize this email: {{email}}');
    expect(induceTemplate(['hello world, said the parrot', 'goodbye moon, said the parrot']).template).toBe(
      '{{value}}, said the parrot',
    );
  });
});

describe('induceTemplate: coverage and fallbacks', () => {
  it('keeps the template and reports coverage below 1 when one member is an outlier', () => {
    const result = induceTemplate([...CODE_REVIEW, 'Write a haiku about autumn leaves and the wind']);
    expect(result.template).toBe('Review the following {{language}} code for {{purpose}}:\n{{code}}');
    expect(result.coverage).toBe(0.75);
  });

  it('reports the coverage matchTemplate actually achieves', () => {
    const clusters = [
      CODE_REVIEW,
      [...CODE_REVIEW, 'Review the following Rust code:\nfn main() {\n}'],
      ['Write a poem about cats', 'Write a short poem about dogs', 'Write a funny poem about birds', 'poem?'],
      ['Fix the login bug', 'Fix the signup bug', 'Deploy the app', 'Fix the bug'],
    ];
    for (const members of clusters) {
      const result = induceTemplate(members);
      const reproduced = members.filter((m) => matchTemplate(result.template, m) !== null).length;
      expect(result.coverage).toBe(reproduced / members.length);
      expect(result.coverage).toBeGreaterThan(0);
      expect(result.coverage).toBeLessThanOrEqual(1);
    }
  });

  it('returns the reference verbatim when members share too little literal text', () => {
    const members = ['hello there', 'what is love', 'cook pasta tonight'];
    const result = induceTemplate(members);
    expect(members).toContain(result.template);
    expect(result.slots).toEqual([]);
    expect(result.coverage).toBeCloseTo(1 / 3, 10);
  });

  it('needs at least two shared literal words', () => {
    const result = induceTemplate(['Explain quantum computing', 'Explain monads']);
    expect(result.slots).toEqual([]);
    expect(result.coverage).toBe(0.5);
  });

  it('returns a single member verbatim with coverage 1', () => {
    const member = '  Review this:\n  x = 1  ';
    expect(induceTemplate([member])).toEqual({ template: member, slots: [], coverage: 1 });
  });

  it('returns identical members verbatim with coverage 1', () => {
    expect(induceTemplate(['Tell me a joke', 'Tell me  a joke', 'Tell me a joke'])).toEqual({
      template: 'Tell me  a joke',
      slots: [],
      coverage: 1,
    });
  });

  it('handles an empty cluster', () => {
    expect(induceTemplate([])).toEqual({ template: '', slots: [], coverage: 0 });
  });

  it('does not anchor on words that long pasted texts share by chance', () => {
    const result = induceTemplate([
      'Summarize this article: The economy grew by three percent last quarter, driven by strong consumer spending and a rebound in the housing market after years of decline.',
      'Summarize this article: Scientists discovered a new species of frog in the rainforest, and the finding surprised many researchers who had studied the region for decades.',
      'Summarize this article: The city council approved a plan to expand bike lanes across the downtown area, citing safety concerns and the growing number of cyclists.',
    ]);
    expect(result.template).toBe('Summarize this article: {{article}}.');
    expect(result.coverage).toBe(1);
  });
});

describe('induceTemplate: pasted material', () => {
  it('makes everything after an introducing line one slot, whatever structure it has', () => {
    const result = induceTemplate(COMMIT_DIFFS);
    expect(result.template).toBe('Write a conventional commit message for this diff:\n{{diff}}');
    expect(result.coverage).toBe(1);
    expect(result.slots).toHaveLength(1);
    expect(result.slots[0]?.examples).toEqual(
      [...COMMIT_DIFFS].sort().map((m) => m.slice(m.indexOf('\n') + 1)),
    );
    for (const member of COMMIT_DIFFS) {
      expect(fillTemplate(result.template, matchTemplate(result.template, member) ?? {})).toBe(member);
    }
  });

  it('does not split a pasted document at the lines its instances share', () => {
    const result = induceTemplate(INCIDENT_REPORTS);
    expect(result.template).toBe(
      'Summarize this incident report for {{audience}} in {{number}} bullet points:\n{{text}}',
    );
    expect(result.template).not.toContain('Root cause');
    expect(result.coverage).toBe(1);
  });

  it('keeps material that every member pastes identically as literal text', () => {
    const code = 'def load(path):\n    return pickle.load(open(path, "rb"))';
    const result = induceTemplate(
      ['security', 'performance', 'naming'].map((c) => `Find ${c} issues in this code:\n${code}`),
    );
    expect(result.template).toBe(`Find {{find}} issues in this code:\n${code}`);
    expect(result.slots.map((s) => s.name)).toEqual(['find']);
  });

  it('takes the instruction exactly where instructionText ends it', () => {
    const clusters = [
      COMMIT_DIFFS,
      INCIDENT_REPORTS,
      CODE_REVIEW,
      [
        'We are on call tonight.\nSummarize this alert thread for me:\nAlert: disk full on db-1\nAck by bob\nResolved',
        'We are on call tonight.\nSummarize this alert thread for me:\nAlert: cpu high on web-3\nAck by ann\nStill firing',
      ],
      [
        'Review the following Go code for leaks:\n```go\nfunc a() {\n}\n```',
        'Review the following Rust code for clones:\n```rust\nfn b() {\n}\n```',
      ],
    ];
    for (const members of clusters) {
      const { template } = induceTemplate(members);
      const material = slotNames(template).at(-1) ?? '';
      expect(template.endsWith(`:\n{{${material}}}`)).toBe(true);
      for (const member of members) {
        const pasted = matchTemplate(template, member)?.[material] ?? '';
        expect(member.endsWith(pasted)).toBe(true);
        expect(member.slice(0, member.length - pasted.length).trim()).toBe(instructionText(member));
      }
    }
  });

  it('applies only when every member introduces material within its first three lines', () => {
    const notes = [
      'Status: green, the launch is on track\nOwner: ann',
      'Status: red, the launch slipped a week\nOwner: bob',
      'Status: amber, the launch is at risk\nOwner: cy',
    ];
    const structured = 'Status: {{status}}, the launch {{launch}}\nOwner: {{owner}}';
    const early = notes.map((n) => `Rate this status update please:\n${n}`);
    expect(induceTemplate(early).template).toBe('Rate this status update please:\n{{text}}');
    // One member puts the material on the same line: no member's material is opaque then.
    const sameLine = [...early.slice(0, 2), `Rate this status update please: ${notes[2]}`];
    expect(induceTemplate(sameLine).template).toBe(`Rate this status update please:\n${structured}`);
    // The introducing line is the fourth line: instructionText does not cut there either.
    const preamble = 'Context one.\nContext two.\nContext three.\n';
    const late = notes.map((n) => `${preamble}Rate this status update please:\n${n}`);
    expect(induceTemplate(late).template).toBe(`${preamble}Rate this status update please:\n${structured}`);
    expect(instructionText(late[0] ?? '')).toContain('Owner: ann');
    expect(instructionText(early[0] ?? '')).toBe('Rate this status update please:');
  });

  it('is order independent', () => {
    const members = [...COMMIT_DIFFS, 'Write a conventional commit message for this diff:\n-a\n+b'];
    const expected = induceTemplate(members);
    expect(expected.template).toBe('Write a conventional commit message for this diff:\n{{diff}}');
    for (const order of permutations(members)) expect(induceTemplate(order)).toEqual(expected);
  });
});

describe('induceTemplate: slots joined by a connector', () => {
  const REVIEW_TWO_CONCERNS = [
    'Review the following Go code for race conditions and goroutine leaks:\n```go\nfunc run() {\n\tgo work()\n}\n```',
    'Review the following Java code for thread safety and correct use of locks:\n```java\nclass Counter {\n  int n;\n}\n```',
    'Review the following Rust code for unnecessary allocations and clones:\n```rust\nfn tags() -> Vec<String> {\n    vec![]\n}\n```',
    'Review the following TypeScript code for readability and naming:\n```ts\nexport const f = (u: string) => u;\n```',
  ];

  it('merges two slots an "and" separates into one whose values keep the connector', () => {
    const result = induceTemplate(REVIEW_TWO_CONCERNS);
    expect(result.template).toBe('Review the following {{language}} code for {{purpose}}:\n{{code}}');
    expect(result.slots[1]?.examples).toEqual([
      'race conditions and goroutine leaks',
      'thread safety and correct use of locks',
      'unnecessary allocations and clones',
      'readability and naming',
    ]);
    expect(result.coverage).toBe(1);
    for (const member of REVIEW_TWO_CONCERNS) {
      expect(fillTemplate(result.template, matchTemplate(result.template, member) ?? {})).toBe(member);
    }
  });

  it('merges across commas, "or" and articles', () => {
    const story = induceTemplate([
      'Write a short story about a dragon, a knight and a princess for kids',
      'Write a short story about pirates, robots and ninjas for kids',
      'Write a short story about a cat, a dog and a mouse for kids',
    ]);
    expect(story.template).toBe('Write a short story about {{topic}} for kids');
    expect(story.slots[0]?.examples).toContain('a dragon, a knight and a princess');
    expect(story.coverage).toBe(1);

    const choice = induceTemplate([
      'Should I buy a bike or a car this year?',
      'Should I buy stocks or bonds this year?',
      'Should I buy a house or an apartment this year?',
    ]);
    expect(choice.template).toBe('Should I buy {{buy}} this year?');
    expect(choice.slots[0]?.examples).toEqual([
      'a bike or a car',
      'a house or an apartment',
      'stocks or bonds',
    ]);
    expect(choice.coverage).toBe(1);
  });

  it('keeps slots apart that hold typed values, have their own role or were announced as a pair', () => {
    // Typed values on either side.
    expect(induceTemplate(INCIDENT_REPORTS).template).toContain(
      'for {{audience}} in {{number}} bullet points',
    );
    expect(induceTemplate(['Compare Python and Go', 'Compare Rust and Java']).template).toBe(
      'Compare {{language}} and {{language_2}}',
    );
    // The connector gives the second slot a role of its own.
    expect(
      induceTemplate([
        'Add retry logic to the payment client please',
        'Add structured logging to the worker please',
        'Add caching to the search endpoint please',
      ]).template,
    ).toBe('Add {{add}} to the {{target}} please');
    // "between … and" announces two values.
    expect(
      induceTemplate([
        'Explain the difference between a mutex and a semaphore in simple terms',
        'Explain the difference between processes and threads in simple terms',
      ]).template,
    ).toBe('Explain the difference between {{between}} and {{between_2}} in simple terms');
    // Merging would leave fewer than two literal words.
    expect(induceTemplate(['Compare apples and oranges', 'Compare cats and dogs']).template).toBe(
      'Compare {{compare}} and {{compare_2}}',
    );
  });
});

describe('induceTemplate: naming pasted material and roles', () => {
  it('names a pasted prose document text and pasted code code', () => {
    const emails = induceTemplate([
      'Draft a polite reply to this email from a customer:\nHi,\nMy order arrived damaged. The box was crushed and the mug inside is broken.\nCan you send a replacement?\nThanks, Jo',
      'Draft a polite reply to this email from a customer:\nHello team,\nI was charged twice for my subscription this month. Please refund the second charge.\nBest regards,\nSam',
    ]);
    expect(emails.template).toBe('Draft a polite reply to this email from a customer:\n{{text}}');

    const queries = induceTemplate([
      'Explain what this SQL query does:\nselect * from messages\nwhere conversation_id = ?\n  and deleted_at is null\norder by sent_at desc',
      "Explain what this SQL query does:\nSELECT user_id, count(*) AS failed\nFROM auth_events\nWHERE type = 'login_failed'\nGROUP BY user_id;",
    ]);
    expect(queries.template).toBe('Explain what this SQL query does:\n{{code}}');
    expect(induceTemplate(CODE_REVIEW).slots.at(-1)?.name).toBe('code');
  });

  it('names diffs, stack traces and logs after what they are', () => {
    expect(induceTemplate(COMMIT_DIFFS).slots.map((s) => s.name)).toEqual(['diff']);
    expect(
      induceTemplate([
        'Explain this Python error and how to fix it:\nTraceback (most recent call last):\n  File "app.py", line 10, in <module>\n    main()\nZeroDivisionError: division by zero',
        'Explain this Python error and how to fix it:\nTraceback (most recent call last):\n  File "etl.py", line 3, in <module>\n    import pandas\nModuleNotFoundError: No module named pandas',
      ]).template,
    ).toBe('Explain this Python error and how to fix it:\n{{stack_trace}}');
    expect(
      induceTemplate([
        "Why does this crash in production:\nTypeError: Cannot read properties of undefined (reading 'id')\n    at getUser (/app/src/users.js:42:17)\n    at async handler (/app/src/routes.js:10:3)",
        'Why does this crash in production:\njava.lang.NullPointerException: boom\n\tat com.acme.Foo.bar(Foo.java:12)\n\tat com.acme.Main.main(Main.java:5)',
      ]).template,
    ).toBe('Why does this crash in production:\n{{stack_trace}}');
    expect(
      induceTemplate([
        'What went wrong in these server logs:\n2024-06-01 12:00:01 INFO Starting server on :8080\n2024-06-01 12:00:05 ERROR upstream timed out after 30s',
        'What went wrong in these server logs:\n2024-07-11 08:13:44 WARN disk usage at 91%\n2024-07-11 08:14:02 ERROR write failed: no space left on device',
      ]).template,
    ).toBe('What went wrong in these server logs:\n{{log}}');
  });

  it('names the slot after "using" or "with" a tool', () => {
    expect(
      induceTemplate([
        'Write unit tests for this Python function using pytest with parametrized cases:\ndef f(x):\n    return x',
        'Write unit tests for this Java function using JUnit 5 and Mockito:\nint f(int x) {\n  return x;\n}',
        'Write unit tests for this Ruby function using RSpec:\ndef f(x)\n  x\nend',
      ]).template,
    ).toBe('Write unit tests for this {{language}} function using {{tool}}:\n{{code}}');
    expect(
      induceTemplate([
        'Plot the monthly sales data with matplotlib please',
        'Plot the monthly sales data with ggplot2 please',
      ]).template,
    ).toBe('Plot the monthly sales data with {{tool}} please');
  });

  it('names a "for" slot audience when it holds groups of people, purpose otherwise', () => {
    const audience = induceTemplate([
      'Write release notes for the support team about the new billing page',
      'Write release notes for our enterprise customers about the new billing page',
      'Write release notes for the sales engineers about the new billing page',
    ]);
    expect(audience.template).toBe('Write release notes for {{audience}} about the new billing page');
    expect(
      induceTemplate([
        'Write release notes for the blog about the new billing page',
        'Write release notes for the changelog about the new billing page',
        'Write release notes for the support team about the new billing page',
      ]).template,
    ).toBe('Write release notes for the {{purpose}} about the new billing page');
    expect(induceTemplate(CODE_REVIEW).slots[1]?.name).toBe('purpose');
  });

  it('keeps role names unique', () => {
    const result = induceTemplate([
      'Build a todo app using React and style it using Tailwind',
      'Build a todo app using Vue and style it using Bootstrap',
    ]);
    expect(result.template).toBe('Build a todo app using {{tool}} and style it using {{tool_2}}');
    expect(new Set(slotNames(result.template)).size).toBe(result.slots.length);
  });
});

describe('induceTemplate: scale', () => {
  it('induces 200 members of ~500 characters', () => {
    const random = generator(42);
    const word = (): string =>
      Array.from(
        { length: 3 + Math.floor(random() * 6) },
        () => 'abcdefghijklmnop'[Math.floor(random() * 16)],
      ).join('');
    const languages = ['Python', 'Go', 'TypeScript', 'Rust', 'Java'];
    const purposes = [
      'security issues',
      'performance',
      'readability and naming',
      'thread safety',
      'memory leaks',
    ];
    const members = Array.from({ length: 200 }, (_, i) => {
      const body = Array.from({ length: 12 }, () => `    ${word()} = ${word()}(${word()}, ${word()});`);
      const purpose = purposes[(i * 3) % purposes.length] ?? '';
      return `Review the following ${languages[i % languages.length]} code for ${purpose}:\nfunction ${word()}() {\n${body.join('\n')}\n}`;
    });
    expect(Math.min(...members.map((m) => m.length))).toBeGreaterThan(350);

    const result = induceTemplate(members);
    expect(result.template).toBe('Review the following {{language}} code for {{purpose}}:\n{{code}}');
    expect(result.coverage).toBe(1);
    expect(result.slots[0]?.examples).toHaveLength(5);
  });

  it('induces 200 pasted reports of ~500 characters well under a second', () => {
    const random = generator(7);
    const word = (): string =>
      Array.from(
        { length: 3 + Math.floor(random() * 6) },
        () => 'abcdefghijklmnop'[Math.floor(random() * 16)],
      ).join('');
    const sentence = (): string =>
      `The ${word()} was ${word()} by the ${word()} team after ${word()} and ${word()} in the ${word()}.`;
    const audiences = [
      'the executive team',
      'our support agents',
      'non-technical stakeholders',
      'the on-call engineers',
    ];
    const members = Array.from(
      { length: 200 },
      (_, i) =>
        `Summarize this incident report for ${audiences[i % 4]} in ${3 + (i % 4)} bullet points:\n` +
        `Impact: ${sentence()}\nTimeline: ${sentence()} ${sentence()}\nRoot cause: ${sentence()}\nFollow-ups: ${sentence()}`,
    );
    expect(Math.min(...members.map((m) => m.length))).toBeGreaterThan(450);

    const started = performance.now();
    const result = induceTemplate(members);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(result.template).toBe(
      'Summarize this incident report for {{audience}} in {{number}} bullet points:\n{{text}}',
    );
    expect(result.coverage).toBe(1);
  });
});

describe('induceTemplate with placeholders already in the members', () => {
  it('keeps a placeholder every member shares as a slot of its own, without examples', () => {
    const r = induceTemplate([
      'Review this Python code for security issues: {{code}}',
      'Review this Go code for performance issues: {{code}}',
      'Review this Rust code for security issues: {{code}}',
    ]);
    expect(r.template).toBe('Review this {{language}} code for {{purpose}} issues: {{code}}');
    expect(r.slots.map((s) => s.name)).toEqual(['language', 'purpose', 'code']);
    expect(r.slots.find((s) => s.name === 'code')?.examples).toEqual([]);
    expect(r.coverage).toBe(1);
  });

  it('never lets a redaction placeholder split into braces, and renames a clashing induced slot', () => {
    const r = induceTemplate([
      'Email {{email}} about the outage at {{ip_address}}',
      'Email {{email}} about the outage at {{ip_address}} today',
    ]);
    expect(r.template).not.toMatch(/\{\{[^}]*\{\{|\}\}\}/);
    expect(r.template.startsWith('Email {{email}} about the outage at ')).toBe(true);
    expect(new Set(r.slots.map((s) => s.name)).size).toBe(r.slots.length);
  });
});
