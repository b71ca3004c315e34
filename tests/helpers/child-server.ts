/** The real server as a child process (`node --import tsx server/index.ts`), for kill -9 tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface ChildServer {
  proc: ChildProcess;
  port: number;
  url: string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function startChildServer(dataDir: string, env: Record<string, string> = {}): Promise<ChildServer> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    cwd: ROOT,
    // Accounts are made by the dozen in these tests: password hashes at the lowest cost.
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', PASSWORD_HASH_COST: '10', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return new Promise((resolve, reject) => {
    const stderr: string[] = [];
    proc.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr.join('')}`)), 60_000);
    proc.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr.join('')}`)));
    readline.createInterface({ input: proc.stdout! }).on('line', (line) => {
      try {
        const rec = JSON.parse(line) as { port?: number };
        if (typeof rec.port === 'number') {
          clearTimeout(timer);
          resolve({
            proc,
            port: rec.port,
            url: `http://127.0.0.1:${rec.port}`,
            kill: (signal = 'SIGKILL') => {
              if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
              return exited;
            },
          });
        }
      } catch {
        // not a log line
      }
    });
  });
}
