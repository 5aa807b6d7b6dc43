import type { SourceFile } from '../types.js';

/*
 * The lookup tables of a Slack export: users.json (or org_users.json on Enterprise Grid) for names,
 * channels.json, groups.json, dms.json and mpims.json for the conversation behind each folder. They
 * sit at the export's root, one level above the per-channel folders, and are read once per export:
 * a 1,000-file export does not re-read users.json 1,000 times.
 */

export interface SlackUser {
  /** What Slack shows: the display name, else the full name, else the handle. */
  name: string | null;
  /** Every name the user goes by (display, real and handle), for redaction. */
  names: string[];
  isBot: boolean;
}

export interface SlackConversation {
  id: string;
  /** The channel's name; for a DM, the members' names. */
  title: string | null;
}

export interface SlackDirectory {
  users: ReadonlyMap<string, SlackUser>;
  /** By folder name: a channel's, private channel's or group DM's name, or a DM's id. */
  byFolder: ReadonlyMap<string, SlackConversation>;
  /** By channel id, for `<#C…>` references without a label. */
  byId: ReadonlyMap<string, SlackConversation>;
}

const EMPTY: SlackDirectory = { users: new Map(), byFolder: new Map(), byId: new Map() };

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

function parseList(bytes: Buffer | null): unknown[] {
  if (!bytes) return [];
  try {
    const value = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, '')) as unknown;
    return Array.isArray(value) ? value : [];
  } catch {
    // A damaged lookup file costs names, not messages: ids are shown instead.
    return [];
  }
}

function userOf(raw: unknown): [string, SlackUser] | null {
  if (!raw || typeof raw !== 'object') return null;
  const u = raw as Record<string, unknown>;
  const id = str(u.id);
  if (!id) return null;
  const profile = (u.profile && typeof u.profile === 'object' ? u.profile : {}) as Record<string, unknown>;
  const name = str(profile.display_name) ?? str(profile.real_name) ?? str(u.real_name) ?? str(u.name) ?? null;
  const names = [
    profile.display_name,
    profile.real_name,
    u.real_name,
    u.name,
    profile.first_name,
    profile.last_name,
  ]
    .map(str)
    .filter((n): n is string => n !== null);
  return [id, { name, names, isBot: u.is_bot === true || id === 'USLACKBOT' }];
}

function buildDirectory(lists: {
  users: unknown[];
  channels: unknown[];
  groups: unknown[];
  dms: unknown[];
  mpims: unknown[];
}): SlackDirectory {
  const users = new Map<string, SlackUser>();
  for (const raw of lists.users) {
    const entry = userOf(raw);
    if (entry) users.set(entry[0], entry[1]);
  }
  const byFolder = new Map<string, SlackConversation>();
  const byId = new Map<string, SlackConversation>();
  const add = (raw: unknown, dm: boolean): void => {
    if (!raw || typeof raw !== 'object') return;
    const c = raw as Record<string, unknown>;
    const id = str(c.id);
    if (!id) return;
    let title = str(c.name);
    if (dm && title === null && Array.isArray(c.members)) {
      const names = c.members
        .filter((m): m is string => typeof m === 'string')
        .map((m) => users.get(m)?.name ?? m);
      title = names.length > 0 ? names.join(', ') : null;
    }
    const conv = { id, title };
    byId.set(id, conv);
    byFolder.set(id, conv); // DM folders are named by id
    const name = str(c.name);
    if (name) byFolder.set(name, conv);
  };
  for (const c of lists.channels) add(c, false);
  for (const c of lists.groups) add(c, false);
  for (const c of lists.mpims) add(c, false);
  for (const c of lists.dms) add(c, true);
  return { users, byFolder, byId };
}

/** Loaded directories, by export root. Kept briefly: a re-export to the same place is read afresh. */
const cache = new Map<string, { loadedAt: number; directory: Promise<SlackDirectory> }>();
const CACHE_MS = 60_000;
const CACHE_ENTRIES = 16;

/**
 * Where a daily file's export root is, as a cache key: what the user named (the folder or archive)
 * plus the folders above the channel folder inside it.
 */
function rootKey(file: SourceFile): string {
  const rel = file.relativePath;
  const prefix = file.name.endsWith(rel) ? file.name.slice(0, file.name.length - rel.length) : file.name;
  const parts = rel.split('/');
  return `${prefix}\u0000${parts.slice(0, -2).join('/')}`;
}

async function load(file: SourceFile): Promise<SlackDirectory> {
  const read = async (...names: string[]): Promise<unknown[]> => {
    for (const name of names) {
      const list = parseList(await file.sibling(`../${name}`));
      if (list.length > 0) return list;
    }
    return [];
  };
  const [users, channels, groups, dms, mpims] = await Promise.all([
    read('users.json', 'org_users.json'),
    read('channels.json'),
    read('groups.json'),
    read('dms.json'),
    read('mpims.json'),
  ]);
  return buildDirectory({ users, channels, groups, dms, mpims });
}

/** The export's users and conversations; empty tables when the file is not inside an export folder. */
export async function slackDirectory(file: SourceFile, now = Date.now()): Promise<SlackDirectory> {
  if (!file.relativePath.includes('/')) return EMPTY; // a daily file named on its own: no root to look in
  const key = rootKey(file);
  const hit = cache.get(key);
  if (hit && now - hit.loadedAt < CACHE_MS) return hit.directory;
  // A lookup file that cannot be read costs names, not messages.
  const directory = load(file).catch(() => EMPTY);
  cache.delete(key);
  cache.set(key, { loadedAt: now, directory });
  while (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
  return directory;
}

/** For tests: forget every loaded directory. */
export function clearSlackDirectoryCache(): void {
  cache.clear();
}
