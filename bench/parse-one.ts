// Child process of bench/ingest.ts: the import stage without the database (read, split, parse, validate,
// ids, redaction), to separate that work from DuckDB's writes.
import { detectAdapter, SNIFF_BYTES } from '../src/ingest/registry.js';
import { expandInputs, openSource } from '../src/ingest/sources.js';
import { DEFAULT_LIMITS, MessageRecordSchema } from '../src/ingest/types.js';
import { PeopleDirectory } from '../src/redact/people.js';
import { redactText } from '../src/redact/redact.js';
import { messageId } from '../src/store/messages.js';

const [path] = process.argv.slice(2);
if (!path) throw new Error('usage: parse-one <file|folder>');
const started = process.hrtime.bigint();
const { refs } = await expandInputs([path]);
const people = new PeopleDirectory();
let messages = 0;
let problems = 0;
for (const ref of refs) {
  const source = openSource(ref);
  const adapter = detectAdapter((await source.head(SNIFF_BYTES)).toString('utf8'));
  if (!adapter) continue; // companions (users.json…)
  for await (const event of adapter.parse(source, { limits: DEFAULT_LIMITS, options: {}, people })) {
    if (event.kind === 'problem') problems++;
    else {
      const m = MessageRecordSchema.parse(event.message);
      messageId(adapter.format, m);
      people.add(m.authorName);
      redactText(m.text, people);
      messages++;
    }
  }
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(
  JSON.stringify({ messages, problems, seconds, maxRssKb: process.resourceUsage().maxRSS }) + '\n',
);
