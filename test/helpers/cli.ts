import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

export const bin = join(repoRoot, 'bin/pog.mjs');

/** The environment a user has: no Temporal, database or LLM settings unless a test adds them. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of ['TEMPORAL_ADDRESS', 'POG_TASK_QUEUE', 'POG_DB', 'OPENAI_API_KEY', 'OPENAI_BASE_URL'])
    delete env[k];
  return { ...env, ...extra };
}

/** Runs the real `pog` CLI in a child process. */
export function pog(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
