import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { llmEnabled, loadConfig } from '../../../src/config/config.js';
import { ConfigError } from '../../../src/errors.js';
import { tempDir } from '../../helpers/paths.js';

describe('loadConfig', () => {
  it('has defaults that work on a fresh clone', () => {
    const cwd = tempDir();
    const c = loadConfig({}, {}, cwd);
    expect(c.db).toBe(join(cwd, 'data/pog.duckdb'));
    expect(c.temporal).toMatchObject({
      namespace: 'default',
      taskQueue: 'pog-discovery',
      embeddedPort: 7233,
    });
    expect(c.temporal.address).toBeUndefined();
    expect(llmEnabled(c)).toBe(false);
  });

  it('layers file < environment < flags', () => {
    const cwd = tempDir();
    writeFileSync(
      join(cwd, 'pog.config.json'),
      JSON.stringify({ db: 'file.duckdb', temporal: { taskQueue: 'q1' } }),
    );
    const c = loadConfig(
      { db: 'flag.duckdb' },
      { POG_TASK_QUEUE: 'q2', OPENAI_BASE_URL: 'http://127.0.0.1:1/v1' },
      cwd,
    );
    expect(c.db).toBe(join(cwd, 'flag.duckdb'));
    expect(c.temporal.taskQueue).toBe('q2');
    expect(llmEnabled(c)).toBe(true);
  });

  it('reports invalid settings with their path', () => {
    expect(() => loadConfig({}, { POG_TEMPORAL_PORT: 'abc' }, tempDir())).toThrow(ConfigError);
    const cwd = tempDir();
    writeFileSync(join(cwd, 'pog.config.json'), JSON.stringify({ cluster: { similarity: 3 } }));
    expect(() => loadConfig({}, {}, cwd)).toThrow(/cluster\.similarity/);
  });
});
