import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway PostgreSQL server on a Unix socket in a temporary folder. */
export interface PgServer {
  readonly dir: string;
  readonly port: number;
  /** Runs psql with `sql` (stdin optional) and returns stdout; throws with psql's stderr on failure. */
  psql(sql: string, input?: string): string;
  stop(): void;
}

function binDir(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(base, versions[0], 'bin');
}

/**
 * Starts a private PostgreSQL server (Debian's `postgresql` package: `apt-get install -y postgresql`) with initdb
 * and pg_ctl in a temporary folder, listening only on a Unix socket there. As root, the server runs as the
 * `postgres` user. Returns the reason instead when no server can be started, so a test can skip saying why.
 */
export function startPostgres(): PgServer | string {
  const bin = binDir();
  if (bin === undefined)
    return 'no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install -y postgresql)';
  const root = process.getuid?.() === 0;
  if (root && spawnSync('id', ['postgres']).status !== 0) return 'running as root and there is no postgres user';
  const dir = mkdtempSync(join(tmpdir(), 'hrc-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = 40_000 + (process.pid % 20_000);
  const as = (cmd: string, args: string[], input?: string) =>
    root
      ? spawnSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { encoding: 'utf8', input, maxBuffer: 1 << 30 })
      : spawnSync(cmd, args, { encoding: 'utf8', input, maxBuffer: 1 << 30 });
  const init = as(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return `initdb failed: ${(init.stderr || init.error?.message || '').trim().split('\n').slice(-2).join(' ')}`;
  }
  const opts = `-c listen_addresses='' -c unix_socket_directories='${dir}' -p ${port} -c fsync=off -c shared_buffers=64MB -c statement_timeout=300000`;
  const start = as(join(bin, 'pg_ctl'), ['-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
  if (start.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return `pg_ctl start failed: ${(start.stderr || start.stdout || '').trim().split('\n').slice(-2).join(' ')}`;
  }
  const psqlBin = existsSync(join(bin, 'psql')) ? join(bin, 'psql') : 'psql';
  return {
    dir,
    port,
    psql(sql: string, input?: string): string {
      const r = as(
        psqlBin,
        [
          '-h',
          dir,
          '-p',
          String(port),
          '-U',
          'postgres',
          '-d',
          'postgres',
          '-X',
          '-q',
          '-v',
          'ON_ERROR_STOP=1',
          '-c',
          sql,
        ],
        input,
      );
      if (r.status !== 0) throw new Error(`psql failed: ${r.stderr || r.error?.message}`);
      return r.stdout;
    },
    stop(): void {
      as(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
