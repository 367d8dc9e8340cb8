// Frame-log chunks are deflated on a worker thread of their own: at a few tens of thousands of
// frames per second zlib took a thirtieth of the event loop, the thread that also answers every
// station. One message each way per flush: the chunks travel concatenated in one transferred
// buffer, and come back the same way.
import { Worker } from 'node:worker_threads';
import type { Logger } from '../log.js';
import { deflateFrames, FRAME_DEFLATE_OPTIONS } from '../store/frame-chunk.js';

/** Deflates each chunk body (FRAME_DEFLATE_OPTIONS), in order; the bodies stay untouched until the promise settles. */
export type DeflateFrames = (bodies: readonly Buffer[]) => Promise<Buffer[]>;

// Plain JavaScript evaluated as the worker's script: nothing to resolve on disk, the same under
// TypeScript sources and the built package.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { deflateRawSync } = require('node:zlib');
parentPort.on('message', ({ id, input, lengths, options }) => {
  try {
    const source = Buffer.from(input);
    const parts = [];
    let offset = 0;
    for (const n of lengths) {
      parts.push(deflateRawSync(source.subarray(offset, offset + n), options));
      offset += n;
    }
    const output = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
    let at = 0;
    for (const p of parts) {
      output.set(p, at);
      at += p.length;
    }
    parentPort.postMessage({ id, output: output.buffer, lengths: parts.map((p) => p.length) }, [output.buffer]);
  } catch (err) {
    parentPort.postMessage({ id, error: String((err && err.message) || err) });
  }
});
`;

interface Reply {
  id: number;
  output?: ArrayBuffer;
  lengths?: number[];
  error?: string;
}

interface Waiting {
  bodies: readonly Buffer[];
  resolve: (deflated: Buffer[]) => void;
}

export class FrameDeflater {
  private worker: Worker | null;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;

  constructor(private readonly log: Logger) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true });
    this.worker.unref();
    this.worker.on('message', (reply: Reply) => this.onReply(reply));
    this.worker.on('error', (err) => this.fallBack(err));
    this.worker.on('exit', (code) => this.fallBack(new Error(`frame deflater thread exited with code ${code}`)));
  }

  /** Deflates each body; on this thread if the worker is gone, so that no frame is lost to it. */
  deflate(bodies: readonly Buffer[]): Promise<Buffer[]> {
    if (bodies.length === 0) return Promise.resolve([]);
    if (!this.worker) return Promise.resolve(deflateFrames(bodies));
    const input = new Uint8Array(bodies.reduce((sum, b) => sum + b.length, 0));
    let at = 0;
    for (const b of bodies) {
      input.set(b, at);
      at += b.length;
    }
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, { bodies, resolve });
      this.worker!.postMessage({ id, input: input.buffer, lengths: bodies.map((b) => b.length), options: FRAME_DEFLATE_OPTIONS }, [input.buffer]);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.settleOnThisThread();
    if (worker) await worker.terminate();
  }

  private onReply(reply: Reply): void {
    const w = this.waiting.get(reply.id);
    if (!w) return;
    this.waiting.delete(reply.id);
    if (reply.error !== undefined || !reply.output || !reply.lengths) {
      this.log.warn({ error: reply.error }, 'frame deflater failed a batch: deflating it on the event loop');
      w.resolve(deflateFrames(w.bodies));
      return;
    }
    const output = Buffer.from(reply.output);
    let at = 0;
    w.resolve(
      reply.lengths.map((n) => {
        const part = output.subarray(at, at + n);
        at += n;
        return part;
      }),
    );
  }

  private fallBack(err: Error): void {
    if (!this.worker) return;
    this.worker = null;
    this.log.warn({ err }, 'frame deflater thread stopped: frame-log chunks are deflated on the event loop from now on');
    this.settleOnThisThread();
  }

  private settleOnThisThread(): void {
    for (const [id, w] of this.waiting) {
      this.waiting.delete(id);
      w.resolve(deflateFrames(w.bodies));
    }
  }
}
