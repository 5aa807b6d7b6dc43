import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PogError } from '../errors.js';

const run = promisify(execFile);

/** `git` in `repo`, its stdout; a failure becomes a PogError quoting git's own message. */
export async function git(
  repo: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<string> {
  try {
    const { stdout } = await run('git', ['-C', repo, ...args], {
      env: { ...process.env, ...env, GIT_TERMINAL_PROMPT: '0' },
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string; code?: unknown };
    if (e.code === 'ENOENT') throw new PogError('NO_GIT', 'Promotion needs the `git` command on PATH.');
    const detail = (e.stderr ?? e.message).trim().split('\n').slice(-3).join(' ');
    throw new PogError('GIT_FAILED', `git ${args[0] ?? ''} failed in ${repo}: ${detail}`);
  }
}

/** The repository's top folder; a clear error when `repo` is not inside a Git work tree. */
export async function repoRoot(repo: string): Promise<string> {
  try {
    return (await git(repo, ['rev-parse', '--show-toplevel'])).trim();
  } catch (err) {
    if (err instanceof PogError && err.code === 'NO_GIT') throw err;
    throw new PogError(
      'NOT_A_REPO',
      `${repo} is not a Git repository: create the prompt library first (git init ${repo}) or name another with --to.`,
    );
  }
}

/** Who commits: the repository's own identity when it has one, else pog's. */
async function identity(repo: string): Promise<NodeJS.ProcessEnv> {
  const configured = async (key: string): Promise<boolean> => {
    try {
      return (await git(repo, ['config', '--get', key])).trim() !== '';
    } catch {
      return false;
    }
  };
  if ((await configured('user.name')) && (await configured('user.email'))) return {};
  return {
    GIT_AUTHOR_NAME: 'pog-miner',
    GIT_AUTHOR_EMAIL: 'pog-miner@localhost',
    GIT_COMMITTER_NAME: 'pog-miner',
    GIT_COMMITTER_EMAIL: 'pog-miner@localhost',
  };
}

/** Paths among `paths` whose content differs from HEAD (new, changed or staged). */
export async function changedPaths(repo: string, paths: readonly string[]): Promise<string[]> {
  if (paths.length === 0) return [];
  const out = await git(repo, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', ...paths]);
  return out
    .split('\0')
    .filter((line) => line.length > 3)
    .map((line) => line.slice(3));
}

/**
 * Commits exactly `paths` (nothing else the work tree holds) with `message`; returns the commit id.
 * When they already match HEAD (a retried promotion whose commit was made), returns the newest commit
 * whose message carries `marker` instead of making an empty one.
 */
export async function commitPaths(
  repo: string,
  paths: readonly string[],
  message: string,
  marker: string,
): Promise<string> {
  if ((await changedPaths(repo, paths)).length === 0) {
    const previous = (
      await git(repo, ['log', '-1', '--format=%H', '--fixed-strings', `--grep=${marker}`]).catch(() => '')
    ).trim();
    if (previous !== '') return previous;
  }
  const env = await identity(repo);
  await git(repo, ['add', '--', ...paths]);
  await git(repo, ['commit', '--quiet', '--no-verify', '-m', message, '--', ...paths], env);
  return (await git(repo, ['rev-parse', 'HEAD'])).trim();
}

/**
 * Puts `paths` back as HEAD has them (a file HEAD does not have is deleted), for a promotion that
 * failed after writing: the library is left with no uncommitted files of pog's.
 */
export async function restorePaths(repo: string, paths: readonly string[]): Promise<void> {
  if (paths.length === 0) return;
  await git(repo, ['reset', '--quiet', '--', ...paths]).catch(() => undefined);
  const tracked = (await git(repo, ['ls-files', '-z', '--', ...paths]).catch(() => ''))
    .split('\0')
    .filter((p) => p !== '');
  if (tracked.length > 0) await git(repo, ['checkout', '--', ...tracked]);
  await git(repo, ['clean', '--quiet', '-f', '--', ...paths]).catch(() => undefined);
}
