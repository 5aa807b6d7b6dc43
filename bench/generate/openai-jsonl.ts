import { PROMPTS, Writer, rng, sentence } from './write.js';

/** OpenAI chat JSONL: one conversation a line. Another seed writes other conversations (other ids). */
export async function writeOpenaiJsonl(
  path: string,
  userMessages: number,
  seed = 11,
): Promise<{ bytes: number; userMessages: number }> {
  const next = rng(seed);
  const prefix = seed === 11 ? 'conv' : `conv-${seed}`;
  const w = new Writer(path);
  let written = 0;
  for (let line = 0; written < userMessages; line++) {
    const messages: { role: string; content: string }[] = [
      { role: 'system', content: 'You are a helpful assistant.' },
    ];
    const turns = 1 + Math.floor(next() * 4);
    for (let t = 0; t < turns && written < userMessages; t++) {
      const prompt =
        next() < 0.5 ? PROMPTS[Math.floor(next() * PROMPTS.length)]!(sentence(next, 2)) : sentence(next, 20);
      messages.push({ role: 'user', content: prompt }, { role: 'assistant', content: sentence(next, 60) });
      written++;
    }
    await w.write(JSON.stringify({ id: `${prefix}-${line}`, messages }) + '\n');
  }
  await w.close();
  return { bytes: w.bytes, userMessages: written };
}
