/**
 * A throwaway redis-server (Debian `redis-server`, installed by .ci/run) for the screening tests: its
 * own folder, a free loopback port, append-only persistence (so a restart keeps the queue), stopped
 * after the tests; `restart()` stops and starts it on the same port and folder. Where it is not
 * installed the tests skip and say why; with CI=true they fail.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';

const BINARY = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
export const redisMissing: string | undefined = BINARY ? undefined : 'redis-server is not installed (apt-get install redis-server)';
if (redisMissing && process.env.CI === 'true') throw new Error(`CI run without Redis: ${redisMissing}`);
if (redisMissing) console.warn(`Redis tests skipped: ${redisMissing}`);

export interface RedisServer {
  url: string;
  port: number;
  restart(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

function up(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = createConnection({ port, host: '127.0.0.1' }, () => {
      c.write('PING\r\n');
    });
    c.once('data', (d) => {
      c.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    c.once('error', () => resolve(false));
  });
}

export async function startRedis(): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'affnet-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  const launch = async () => {
    child = spawn(BINARY, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--daemonize', 'no'], { stdio: 'ignore' });
    const deadline = Date.now() + 15_000;
    while (!(await up(port))) {
      if (Date.now() > deadline) throw new Error('redis-server did not start in 15 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const halt = async () => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    c.kill('SIGTERM');
    await new Promise((r) => c.once('exit', r));
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async restart(downMs = 1000) {
      await halt();
      await new Promise((r) => setTimeout(r, downMs));
      await launch();
    },
    async stop() {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
