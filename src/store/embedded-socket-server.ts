// Serves the embedded database (PGlite) to `pg` clients over a unix socket, in PostgreSQL's wire
// protocol (v3). Every complete message a read brings is handed to PGlite in one call: a `pg`
// query is Bind, Describe, Execute and Sync (Parse too the first time), and entering PGlite once
// per message cost a third more of the database thread (measured: 240 µs of the thread per
// indexed look-up, 160 µs batched; @electric-sql/pglite-socket enters once per message).
// PGlite has one session, shared by every connection. While it is inside a transaction, only the
// connection that opened it is served; the others wait. A connection that goes away inside its
// transaction has it rolled back, so the session is never left holding it.
import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

export interface EmbeddedSocketServerOptions {
  /** Connections served at once; the pool holds one, a replacement may connect while a dropped one is detached. */
  maxConnections: number;
}

export interface EmbeddedSocketServer {
  close(): Promise<void>;
}

// Request codes of the untyped first message (PostgreSQL protocol 53.7).
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
/** PostgreSQL's own bound on a message (PQ_LARGE_MESSAGE_LIMIT is 1 GiB - 1). */
const MAX_MESSAGE = 0x3fffffff;
const TERMINATE = 0x58; // 'X'
/** Sync ends the extended protocol's skip-until-Sync after an error; then ROLLBACK as a simple query. */
const SYNC_THEN_ROLLBACK = Buffer.concat([message('S', Buffer.alloc(0)), simpleQuery('ROLLBACK')]);

interface Connection {
  socket: Socket;
  started: boolean;
  /** Bytes of an incomplete message, kept as they came until `needed` bytes are there (no concat per read). */
  pending: Buffer[];
  pendingBytes: number;
  /** Bytes the incomplete message needs in all (0: its length is not readable yet). */
  needed: number;
  /** Terminate was received; nothing after it is read. */
  terminated: boolean;
  closed: boolean;
}

interface Work {
  conn: Connection;
  bytes: Uint8Array;
  /** Terminate followed these messages: the connection ends once they are answered. */
  thenEnd: boolean;
}

export async function serveEmbeddedDatabase(lite: PGlite, socketPath: string, options: EmbeddedSocketServerOptions): Promise<EmbeddedSocketServer> {
  const connections = new Set<Connection>();
  const queue: Work[] = [];
  /** The connection whose messages ran last: the one inside the transaction, if there is one. */
  let owner: Connection | null = null;
  let draining = false;
  let rollbackNeeded = false;
  let stopping = false;

  const run = (bytes: Uint8Array, conn: Connection | null): Promise<void> =>
    lite.runExclusive(() =>
      lite.execProtocolRawStream(bytes, {
        // PGlite reuses its output buffer: copy before the socket keeps it.
        onRawData: (data) => {
          if (conn && !conn.closed) conn.socket.write(Buffer.from(data));
        },
      }),
    );

  async function drain(): Promise<void> {
    if (draining) return;
    draining = true;
    try {
      for (;;) {
        if (stopping) return;
        if (rollbackNeeded) {
          rollbackNeeded = false;
          owner = null;
          try {
            if (lite.isInTransaction()) await run(SYNC_THEN_ROLLBACK, null);
          } catch {
            // PGlite failed; the next connection's statements will say so.
          }
        }
        const at = owner && lite.isInTransaction() ? queue.findIndex((w) => w.conn === owner) : 0;
        if (at === -1 || queue.length === 0) return;
        const work = queue.splice(at, 1)[0]!;
        if (work.conn.closed) continue;
        try {
          if (work.bytes.length > 0) await run(work.bytes, work.conn);
          owner = work.conn;
          if (work.thenEnd) work.conn.socket.end();
        } catch (err) {
          // PGlite itself failed (not an SQL error, which it answers in the protocol).
          work.conn.socket.destroy(err as Error);
        }
      }
    } finally {
      draining = false;
    }
  }

  function closed(conn: Connection): void {
    if (conn.closed) return;
    conn.closed = true;
    connections.delete(conn);
    for (let i = queue.length - 1; i >= 0; i--) if (queue[i]!.conn === conn) queue.splice(i, 1);
    if (owner === conn) rollbackNeeded = true;
    void drain();
  }

  // Splits what has arrived into complete messages; queues them (one work item per read).
  function receive(conn: Connection, chunk: Buffer): void {
    conn.pending.push(chunk);
    conn.pendingBytes += chunk.length;
    if (conn.pendingBytes < conn.needed) return;
    const buf = conn.pending.length === 1 ? chunk : Buffer.concat(conn.pending, conn.pendingBytes);
    conn.pending = [];
    conn.pendingBytes = 0;
    conn.needed = 0;
    let start = 0;
    let end = 0;
    let terminate = false;
    while (!conn.started) {
      if (buf.length - end < 8) break;
      const length = buf.readInt32BE(end);
      const code = buf.readInt32BE(end + 4);
      if (length < 8 || length > 10_000) return refuse(conn, '08P01', `invalid startup packet length ${length}`);
      if (buf.length - end < length) break;
      if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
        conn.socket.write('N'); // no encryption on a private socket; the client goes on in clear
        end += length;
        start = end;
        continue;
      }
      if (code === CANCEL_REQUEST) return void conn.socket.end(); // not supported: one session, nothing to cancel safely
      queue.push({ conn, bytes: buf.subarray(end, end + length), thenEnd: false });
      end += length;
      start = end;
      conn.started = true;
    }
    while (conn.started) {
      if (buf.length - end < 5) break;
      const length = buf.readInt32BE(end + 1);
      if (length < 4 || length > MAX_MESSAGE) return refuse(conn, '08P01', `invalid message length ${length}`);
      if (buf.length - end < length + 1) {
        conn.needed = length + 1;
        break;
      }
      if (buf[end] === TERMINATE) {
        terminate = true;
        break;
      }
      end += length + 1;
    }
    if (end > start || terminate) queue.push({ conn, bytes: buf.subarray(start, end), thenEnd: terminate });
    // After Terminate nothing more is read; a partial message waits for the rest of its bytes.
    if (!terminate && end < buf.length) {
      conn.pending = [buf.subarray(end)];
      conn.pendingBytes = buf.length - end;
    } else conn.needed = 0;
    if (terminate) conn.terminated = true;
    void drain();
  }

  function refuse(conn: Connection, sqlState: string, text: string): void {
    conn.socket.end(errorResponse(sqlState, text));
    closed(conn);
  }

  const server: Server = createServer((socket) => {
    const conn: Connection = { socket, started: false, pending: [], pendingBytes: 0, needed: 0, terminated: false, closed: false };
    if (connections.size >= options.maxConnections) {
      socket.end(errorResponse('53300', `too many connections (at most ${options.maxConnections})`));
      return;
    }
    connections.add(conn);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      if (!conn.closed && !conn.terminated) receive(conn, chunk);
    });
    socket.on('error', () => closed(conn));
    socket.on('close', () => closed(conn));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });

  return {
    close: () =>
      new Promise<void>((resolve) => {
        stopping = true;
        for (const conn of connections) conn.socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A typed protocol message: its type byte, its length (counting itself), its body. */
function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}

function simpleQuery(sql: string): Buffer {
  return message('Q', Buffer.from(`${sql}\0`, 'utf8'));
}

/** A FATAL ErrorResponse (PostgreSQL protocol 53.8): severity, code and message. */
function errorResponse(sqlState: string, text: string): Buffer {
  return message('E', Buffer.from(`SFATAL\0VFATAL\0C${sqlState}\0M${text}\0\0`, 'utf8'));
}
