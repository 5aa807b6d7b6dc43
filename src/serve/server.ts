import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { z } from 'zod';
import { PogError, errorMessage } from '../errors.js';
import { TriageConflictError } from '../triage/errors.js';
import { act, listItems, showItem } from '../triage/queue.js';
import { resolveReviewer } from '../triage/reviewer.js';
import { TRIAGE_STATUSES, TriageActionSchema, type TriageStatus } from '../triage/states.js';

/*
 * The reviewers' web page. Chat text is hostile input: the page builds every piece of it with
 * textContent (never innerHTML), and the Content-Security-Policy allows no inline script and nothing
 * from elsewhere, so even a mistake there could not run a prompt's <script>. Writes need the token
 * the server printed at start (Authorization: Bearer) and the page's CSRF token (X-CSRF-Token, only
 * readable by a page served from here), from this origin (Origin, Sec-Fetch-Site); requests naming
 * another Host are refused (DNS rebinding).
 */

export interface ServeOptions {
  db: string;
  host: string;
  port: number;
  /** The token writes need; random when not given. */
  token?: string;
  /** The reviewer writes are made as when the page does not name one. */
  reviewer?: string | undefined;
  claimMinutes: number;
  /**
   * The origin browsers reach the page at, when it is not the address it listens on (in a container
   * listening on 0.0.0.0 behind a published port: `http://127.0.0.1:8080`). POG_SERVE_ORIGIN.
   */
  publicOrigin?: string | undefined;
}

export interface RunningServer {
  url: string;
  token: string;
  server: Server;
  close(): Promise<void>;
}

const STATIC: Record<string, { file: string; type: string }> = {
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
};

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const ActionBodySchema = z.object({
  action: TriageActionSchema,
  reviewer: z.string().optional(),
  note: z.string().max(10_000).optional(),
  template: z.string().max(100_000).optional(),
  into: z.string().max(200).optional(),
  revision: z.number().int().nonnegative().optional(),
});

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function staticFile(name: string): string {
  return readFileSync(new URL(`./static/${name}`, import.meta.url), 'utf8');
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 1024 * 1024) throw new HttpError(413, 'TOO_LARGE', 'The request body is over 1 MB.');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'BAD_REQUEST', 'The request body is not JSON.');
  }
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    'Cross-Origin-Resource-Policy': 'same-origin',
  });
  res.end(body);
}

const sendJson = (res: ServerResponse, status: number, value: unknown): void =>
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));

function page(csrf: string): string {
  // The only dynamic value is the CSRF token: hex, so nothing to escape.
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="pog-csrf" content="${csrf}">
<title>pog triage</title>
<link rel="stylesheet" href="/app.css">
<script src="/app.js" defer></script>
</head>
<body>
<header><h1>pog triage</h1>
<label>Reviewer <input id="reviewer" autocomplete="username" maxlength="100"></label>
<label>Show <select id="status"><option value="open">open</option><option value="all">all</option>${TRIAGE_STATUSES.map((s) => `<option value="${s}">${s}</option>`).join('')}</select></label>
</header>
<main>
<section id="queue" aria-label="Queue"><table><thead><tr><th>item</th><th>status</th><th>uses</th><th>authors</th><th>template</th></tr></thead><tbody id="items"></tbody></table></section>
<section id="detail" aria-label="Item" hidden></section>
</main>
<div id="message" role="status" aria-live="polite"></div>
</body>
</html>
`;
}

/** Starts `pog serve`'s HTTP server; resolves once it listens. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const token = options.token ?? randomBytes(24).toString('hex');
  const csrf = randomBytes(24).toString('hex');
  const files = Object.fromEntries(Object.entries(STATIC).map(([path, f]) => [path, staticFile(f.file)]));
  let origin = '';
  const allowedHosts = new Set<string>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const host = req.headers.host ?? '';
    if (!allowedHosts.has(host))
      throw new HttpError(421, 'BAD_HOST', `This server answers as ${origin} only.`);
    const url = new URL(req.url ?? '/', origin);
    const path = url.pathname;

    if (req.method === 'GET' || req.method === 'HEAD') {
      if (path === '/') return send(res, 200, 'text/html; charset=utf-8', page(csrf));
      const asset = STATIC[path];
      if (asset) return send(res, 200, asset.type, files[path]!);
      if (path === '/api/items') {
        const status = url.searchParams.get('status') ?? 'open';
        const filter =
          status === 'open' || status === 'all'
            ? status
            : status
                .split(',')
                .filter((s): s is TriageStatus => (TRIAGE_STATUSES as readonly string[]).includes(s));
        return sendJson(res, 200, { items: await listItems(options.db, { status: filter }) });
      }
      const item = /^\/api\/items\/([\w-]+)$/.exec(path);
      if (item) return sendJson(res, 200, await showItem(options.db, item[1]!));
      throw new HttpError(404, 'NOT_FOUND', 'No such page.');
    }

    if (req.method === 'POST') {
      const target = /^\/api\/items\/([\w-]+)\/actions$/.exec(path);
      if (!target) throw new HttpError(404, 'NOT_FOUND', 'No such endpoint.');
      const fetchSite = req.headers['sec-fetch-site'];
      if (req.headers.origin !== origin || (fetchSite !== undefined && fetchSite !== 'same-origin'))
        throw new HttpError(403, 'CROSS_ORIGIN', 'Writes come from this page only.');
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      if (!sameSecret(bearer, token))
        throw new HttpError(401, 'TOKEN', 'Writes need the token `pog serve` printed when it started.');
      if (!sameSecret(String(req.headers['x-csrf-token'] ?? ''), csrf))
        throw new HttpError(403, 'CSRF', 'The page is stale or not from this server: reload it.');
      if (!/^application\/json\b/.test(req.headers['content-type'] ?? ''))
        throw new HttpError(415, 'BAD_REQUEST', 'Send JSON.');
      const body = ActionBodySchema.safeParse(await readJson(req));
      if (!body.success)
        throw new HttpError(
          400,
          'BAD_REQUEST',
          body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
        );
      const b = body.data;
      const result = await act(options.db, {
        itemId: target[1]!,
        action: b.action,
        reviewer: resolveReviewer(b.reviewer?.trim() || undefined, options.reviewer),
        claimMinutes: options.claimMinutes,
        ...(b.note !== undefined && b.note.trim() !== '' ? { note: b.note } : {}),
        ...(b.template !== undefined ? { template: b.template } : {}),
        ...(b.into !== undefined ? { into: b.into } : {}),
        ...(b.revision !== undefined ? { expectRevision: b.revision } : {}),
      });
      return sendJson(res, 200, result);
    }
    throw new HttpError(405, 'METHOD', 'Method not allowed.');
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const [status, code, message] =
        err instanceof HttpError
          ? [err.status, err.code, err.message]
          : err instanceof TriageConflictError
            ? [409, err.code, err.message]
            : err instanceof PogError
              ? [err.code === 'NOT_FOUND' ? 404 : err.code === 'DB_BUSY' ? 503 : 400, err.code, err.message]
              : [500, 'INTERNAL', errorMessage(err)];
      if (!res.headersSent) sendJson(res, status, { error: { code, message } });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const hostPart = options.host.includes(':') ? `[${options.host}]` : options.host;
  origin = `http://${hostPart}:${port}`;
  allowedHosts.add(`${hostPart}:${port}`);
  if (options.host === '127.0.0.1' || options.host === '::1') allowedHosts.add(`localhost:${port}`);
  if (options.publicOrigin) {
    const pub = new URL(options.publicOrigin);
    origin = pub.origin;
    allowedHosts.add(pub.host);
  }
  return {
    url: origin,
    token,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
