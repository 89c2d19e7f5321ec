// HTTP requests written byte by byte on a socket: for what fetch cannot send (slow bodies, lying lengths, Expect).
import { connect, type Socket } from 'node:net';
import { request } from 'node:http';

export interface RawAnswer {
  readonly status: number;
  readonly headers: string;
  readonly body: string;
  /** Milliseconds from the first byte written to the status line read. */
  readonly ms: number;
  /** The server sent an interim 100 Continue first. */
  readonly continued: boolean;
}

/** The answer's head and whatever body arrived until the server closed (or `until` matched). */
function readAnswer(socket: Socket, started: number): Promise<RawAnswer & { socket: Socket }> {
  return new Promise((resolve, reject) => {
    let text = '';
    let ms = -1;
    let continued = false;
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      if (ms < 0 && text.includes('\r\n')) ms = Date.now() - started;
      // A 100 Continue is an interim answer: note it and read on for the final one.
      const interim = /^HTTP\/1\.1 100 [^\r]*\r\n\r\n/.exec(text);
      if (interim) {
        continued = true;
        text = text.slice(interim[0].length);
      }
      const end = text.indexOf('\r\n\r\n');
      const m = /content-length: (\d+)/i.exec(text.slice(0, end));
      if (end >= 0 && m && text.length >= end + 4 + Number(m[1])) {
        const [statusLine, ...rest] = text.slice(0, end).split('\r\n');
        resolve({
          status: Number(statusLine!.split(' ')[1]),
          headers: rest.join('\n').toLowerCase(),
          body: text.slice(end + 4, end + 4 + Number(m[1])),
          ms,
          continued,
          socket,
        });
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`closed before a whole answer: ${JSON.stringify(text.slice(0, 300))}`)));
  });
}

/** Writes `head` (request line and headers, no blank line) then `body`, and reads the answer. */
export async function rawRequest(
  port: number,
  head: string,
  body = '',
): Promise<RawAnswer & { socket: Socket; wrote: () => number }> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((r) => socket.once('connect', () => r()));
  const started = Date.now();
  const answer = readAnswer(socket, started);
  socket.write(`${head}\r\n\r\n${body}`);
  const a = await answer;
  return { ...a, wrote: () => Buffer.byteLength(body) };
}

/**
 * Declares `declared` bytes and sends the body slowly (a chunk every `everyMs`) until the server answers; returns
 * the answer and how many body bytes went out, and whether the server closed the connection afterwards.
 */
export async function slowBody(
  port: number,
  head: string,
  chunk: Buffer,
  everyMs: number,
): Promise<RawAnswer & { sent: number; closed: Promise<void> }> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((r) => socket.once('connect', () => r()));
  const started = Date.now();
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  socket.on('error', () => undefined); // the server may reset a refused upload
  const answer = readAnswer(socket, started);
  socket.write(`${head}\r\n\r\n`);
  let sent = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || !socket.writable) return;
    socket.write(chunk);
    sent += chunk.length;
  }, everyMs);
  try {
    const a = await answer;
    return { ...a, sent, closed };
  } finally {
    clearInterval(timer);
  }
}

/**
 * A chunked upload (no Content-Length) of up to `total` bytes written as fast as the socket takes them; resolves
 * with the status once the server answers, the bytes written by then, and the time to the answer.
 */
export function chunkedUpload(
  url: string,
  headers: Record<string, string>,
  total: number,
  chunkBytes = 1 << 16,
): Promise<{ status: number; body: string; written: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const chunk = Buffer.alloc(chunkBytes, 0x20);
    chunk[0] = 0x5b; // '[': starts like a JSON array
    let written = 0;
    let answered = false;
    const req = request(url, { method: 'POST', headers: { ...headers, 'transfer-encoding': 'chunked' } }, (res) => {
      answered = true;
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, written, ms: Date.now() - started }));
      res.on('error', reject);
    });
    req.on('error', (e) => {
      if (!answered) reject(e);
    });
    const pump = (): void => {
      while (!answered && written < total) {
        written += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}
