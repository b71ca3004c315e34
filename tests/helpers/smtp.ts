/**
 * A real SMTP server for tests (smtp-server on port 0, plain text on loopback) that keeps
 * what it receives, parsed by mailparser; and a pino logger whose lines the test reads.
 */
import net from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { pino, type Logger } from 'pino';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** The SMTP envelope: who the relay was told to deliver to, whatever the headers say. */
  envelope: { from: string; to: string[] };
  raw: string;
  parsed: ParsedMail;
}

export interface TestSmtp {
  url: string;
  port: number;
  received: ReceivedMail[];
  /** DATA commands seen, accepted or not. */
  attempts: number;
  close(): Promise<void>;
}

/**
 * `answer(n)` (n = 1 for the first DATA) may refuse a message with an SMTP code
 * (e.g. 451 temporary, 550 final); null accepts it.
 */
export async function startSmtp(answer: (n: number) => number | null = () => null): Promise<TestSmtp> {
  const t: TestSmtp = { url: '', port: 0, received: [], attempts: 0, close: async () => {} };
  const server = new SMTPServer({
    authOptional: true,
    // No TLS on loopback: nodemailer would try STARTTLS with a certificate it cannot trust.
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, cb) {
      const n = ++t.attempts;
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const code = answer(n);
        if (code !== null) {
          return cb(Object.assign(new Error(code >= 500 ? 'refused for good' : 'try again later'), { responseCode: code }));
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const envelope = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
        };
        simpleParser(raw).then(
          (parsed) => {
            t.received.push({ envelope, raw, parsed });
            cb();
          },
          (err: Error) => cb(err),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.port = (server.server.address() as net.AddressInfo).port;
  t.url = `smtp://127.0.0.1:${t.port}`;
  t.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return t;
}

/** An address where nothing listens: connections are refused at once. */
export async function refusedSmtpUrl(): Promise<string> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `smtp://127.0.0.1:${port}`;
}

/** A relay that accepts connections and never says a word (a stalled relay). */
export async function silentSmtp(): Promise<{ url: string; connections: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const out = { url: '', connections: 0, close: async () => {} };
  const s = net.createServer((sock) => {
    out.connections++;
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  out.url = `smtp://127.0.0.1:${(s.address() as net.AddressInfo).port}`;
  out.close = async () => {
    for (const sock of sockets) sock.destroy();
    await new Promise<void>((r) => s.close(() => r()));
  };
  return out;
}

/** A logger at debug level whose JSON lines the test can read (`lines`) and search (`entries`). */
export function capturedLogger(): { logger: Logger; lines: string[]; entries: () => Array<Record<string, any>> } {
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(s) });
  return { logger, lines, entries: () => lines.map((l) => JSON.parse(l) as Record<string, any>) };
}
