// `npm run dev`: the API server (port 3000, tsx watch) and Vite's dev server (5173, with
// the proxy in client/vite.config.ts) side by side; Ctrl-C stops both.
import { spawn } from 'node:child_process';

const VITE_PORT = 5173;
const env = {
  ...process.env,
  PORT: process.env.PORT ?? '3000',
  // The Socket.IO and y-websocket origin checks must accept pages served by Vite.
  ALLOWED_ORIGINS: process.env.ALLOWED_ORIGINS ?? `http://localhost:${VITE_PORT},http://127.0.0.1:${VITE_PORT}`,
};
const children = [
  spawn(process.execPath, ['--import', 'tsx', '--watch', 'server/index.ts'], { stdio: 'inherit', env }),
  spawn('npx', ['vite', '--config', 'client/vite.config.ts', '--port', String(VITE_PORT), '--strictPort'], { stdio: 'inherit', env }),
];
let stopping = false;
const stop = (code = 0) => {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  process.exitCode = code;
};
for (const c of children) c.on('exit', (code) => stop(code ?? 1));
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => stop(0));
