import { createServer, type IncomingMessage, type Server } from 'node:http';

/*
 * A local OpenAI-compatible endpoint (POST /<mode>/v1/chat/completions) for the LLM path: a real HTTP
 * server the real `openai` SDK talks to. Its answers are scripted per mode, to cause the faults a
 * real provider produces (429, 500, invalid JSON, schema violations) on demand.
 */

export type Mode =
  | 'valid'
  | 'invalid-json'
  | 'schema-violation'
  | 'undeclared-slot'
  | 'dropped-slot'
  | 'flaky-429'
  | 'always-500';

export interface RecordedRequest {
  mode: string;
  path: string;
  body: {
    model: string;
    messages: { role: string; content: string }[];
    /** /v1/embeddings */
    input?: string[];
    encoding_format?: string;
  };
}

/** A deterministic 8-d vector for a text (its bytes folded), so that tests can tell texts apart. */
export function fakeEmbedding(text: string): number[] {
  const v = new Array<number>(8).fill(0);
  for (let i = 0; i < text.length; i++) v[i % 8]! += text.charCodeAt(i);
  return v;
}

export interface FakeLlm {
  baseURL(mode: Mode): string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

const SLOT = /\{\{([a-z][a-z0-9_]*)\}\}/g;

function inducedTemplate(body: RecordedRequest['body']): string {
  const user = body.messages.find((m) => m.role === 'user')?.content ?? '';
  return /^Induced template:\n([\s\S]*?)\n\nMembers:/.exec(user)?.[1] ?? '';
}

function answer(
  mode: Mode,
  body: RecordedRequest['body'],
  attempt: number,
): { status: number; content?: string } {
  const template = inducedTemplate(body);
  const slots = [...new Set([...template.matchAll(SLOT)].map((m) => m[1]!))];
  const valid = {
    title: `LLM: ${template.slice(0, 40)}`,
    template,
    variables: slots.map((name) => ({ name, description: `the ${name.replace(/_/g, ' ')}` })),
    intent: 'What the model says the prompt asks.',
    phase: 'testing',
    tags: ['llm-tag'],
  };
  switch (mode) {
    case 'valid':
      return { status: 200, content: JSON.stringify(valid) };
    case 'invalid-json':
      return { status: 200, content: '{"title": "oops", "template": ' };
    case 'schema-violation':
      // JSON, but not the shape asked for: a number for the template, a phase that does not exist.
      return { status: 200, content: JSON.stringify({ ...valid, template: 42, phase: 'someday' }) };
    case 'undeclared-slot':
      return { status: 200, content: JSON.stringify({ ...valid, template: `${template} {{extra_slot}}` }) };
    case 'dropped-slot': {
      // Replaces the first slot with a fixed value: specific to one member, so it no longer covers the others.
      const first = slots[0];
      const narrowed = first ? template.replace(`{{${first}}}`, 'Klingon') : `${template} Klingon`;
      return {
        status: 200,
        content: JSON.stringify({ ...valid, template: narrowed, variables: valid.variables.slice(1) }),
      };
    }
    case 'flaky-429':
      return attempt % 2 === 1 ? { status: 429 } : { status: 200, content: JSON.stringify(valid) };
    case 'always-500':
      return { status: 500 };
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  let data = '';
  for await (const chunk of req) data += (chunk as Buffer).toString();
  return data;
}

export async function startFakeLlm(): Promise<FakeLlm> {
  const requests: RecordedRequest[] = [];
  const attempts = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    void (async () => {
      const mode = (req.url ?? '').split('/')[1] as Mode;
      const body = JSON.parse(await readBody(req)) as RecordedRequest['body'];
      requests.push({ mode, path: req.url ?? '', body });
      if (req.url?.endsWith('/embeddings')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            object: 'list',
            model: body.model,
            // Out of order on purpose: clients must sort by index.
            data: (body.input ?? [])
              .map((text, index) => ({ object: 'embedding', index, embedding: fakeEmbedding(text) }))
              .reverse(),
            usage: { prompt_tokens: 1, total_tokens: 1 },
          }),
        );
        return;
      }
      const key = `${mode}:${inducedTemplate(body)}`;
      const attempt = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, attempt);
      const { status, content } = answer(mode, body, attempt);
      res.writeHead(status, { 'content-type': 'application/json' });
      if (status !== 200) {
        res.end(JSON.stringify({ error: { message: `scripted ${status}`, type: 'test' } }));
        return;
      }
      res.end(
        JSON.stringify({
          id: `chatcmpl-${requests.length}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: body.model,
          choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content } }],
          usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
        }),
      );
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    baseURL: (mode) => `http://127.0.0.1:${port}/${mode}/v1`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
