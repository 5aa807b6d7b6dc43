import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../../helpers/paths.js';

/*
 * There is no Docker engine here, so docker-compose.yml is checked for what `docker compose` itself
 * would reject or what would break at runtime: references to services, volumes and configs that do
 * not exist, pog services without the settings pog needs, the page unreachable through its port.
 */

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  volumes?: string[];
  configs?: { source: string }[];
  profiles?: string[];
}
const compose = parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
  configs: Record<string, unknown>;
};
const services = compose.services;

describe('docker-compose.yml', () => {
  it('has Temporal on PostgreSQL, its UI, a pog worker and pog serve, all started by `up`', () => {
    for (const name of [
      'postgresql',
      'temporal-schema-setup',
      'temporal',
      'temporal-create-namespace',
      'temporal-ui',
      'pog-worker',
      'pog-compute',
      'pog-serve',
    ])
      expect(services[name]?.profiles, name).toBeUndefined();
    expect(services.postgresql!.image).toMatch(/^postgres:\d+/);
    expect(services.temporal!.image).toMatch(/^temporalio\/server:\d+\.\d+\.\d+$/);
    expect(services.temporal!.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql' });
    // The schema tool and the server move together.
    expect(services['temporal-schema-setup']!.image!.split(':')[1]).toBe(
      services.temporal!.image!.split(':')[1],
    );
    expect(services['temporal-ui']!.image).toMatch(/^temporalio\/ui:/);
  });

  it('points pog at the cluster and shares one data volume', () => {
    for (const name of ['pog-worker', 'pog-compute', 'pog-serve', 'pog']) {
      const s = services[name]!;
      expect(s.environment, name).toMatchObject({
        TEMPORAL_ADDRESS: 'temporal:7233',
        POG_DB: '/data/pog.duckdb',
      });
      expect(s.volumes, name).toContain('pog-data:/data');
    }
    // One store worker holds the database; compute workers (scalable) see the same volume.
    expect(services['pog-worker']!.command).toEqual(['worker', '--role', 'store']);
    expect(services['pog-compute']!.command).toEqual(['worker', '--role', 'compute']);
    expect(services['pog-compute']!.ports).toBeUndefined();
    expect(services.pog!.profiles).toEqual(['cli']);
    expect(existsSync(join(repoRoot, 'Dockerfile'))).toBe(true);
  });

  it('serves the page on all interfaces inside its container, published on the port its origin names', () => {
    const serve = services['pog-serve']!;
    expect(serve.command).toEqual(['serve', '--host', '0.0.0.0', '--port', '8080']);
    expect(serve.ports).toEqual(['${POG_BIND_ADDRESS:-127.0.0.1}:${POG_WEB_PORT:-8080}:8080']);
    expect(serve.environment!.POG_SERVE_ORIGIN).toBe(
      'http://${POG_BIND_ADDRESS:-127.0.0.1}:${POG_WEB_PORT:-8080}',
    );
  });

  it('refers only to services, volumes and configs it defines', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const dep of Object.keys(s.depends_on ?? {}))
        expect(services, `${name} depends on ${dep}`).toHaveProperty([dep]);
      for (const v of s.volumes ?? []) {
        const source = v.split(':')[0]!;
        if (!source.startsWith('.') && !source.startsWith('/') && !source.startsWith('$'))
          expect(compose.volumes, `${name} mounts ${source}`).toHaveProperty([source]);
      }
      for (const c of s.configs ?? [])
        expect(compose.configs, `${name} uses ${c.source}`).toHaveProperty([c.source]);
      expect(s.image ?? s.build, `${name} has an image`).toBeDefined();
    }
  });
});
