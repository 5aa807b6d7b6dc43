import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../src/serve/server.js';
import { tempDir } from '../../helpers/paths.js';
import { REVIEW, seedQueue } from '../../helpers/triage-db.js';

let server: RunningServer;
beforeAll(async () => {
  const db = join(tempDir(), 'pog.duckdb');
  await seedQueue(db, { p_review: REVIEW });
  server = await startServer({
    db,
    host: '127.0.0.1',
    port: 0,
    claimMinutes: 30,
    publicOrigin: 'http://127.0.0.1:18080',
  });
});
afterAll(() => server.close());

function get(
  path: string,
  host: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const address = server.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const req = request({ host: '127.0.0.1', port, path, headers: { Host: host } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('pog serve', () => {
  it('answers as its public origin (behind a published port) and refuses other hosts', async () => {
    expect(server.url).toBe('http://127.0.0.1:18080');
    const page = await get('/', '127.0.0.1:18080');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect((await get('/api/items', '127.0.0.1:18080')).body).toMatch(/"items":\[\{"id":"t_/);
    expect((await get('/', 'evil.example:18080')).status).toBe(421);
  });
});
