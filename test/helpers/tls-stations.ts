// Security profile tests: station certificates from our own CA (and from a look-alike CA), and
// clients that really connect: `ws` over TLS, and `openssl s_client` as an independent client
// (spawned asynchronously: the server runs in this process).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect as netConnect } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { toPem } from '../../pki/certificate/parse-certificate.js';
import type { CaService } from '../../src/ca/ca-service.js';
import { subjectFor } from '../../src/ca/lab-hierarchy.js';
import { generateKey } from '../../src/ca/software-signer.js';
import { getProfile } from '../../pki/profiles/index.js';

export interface StationCert {
  serial: string;
  certPem: string;
  keyPem: string;
  /** Files for openssl: leaf + chain, key. */
  certFile: string;
  keyFile: string;
}

export async function issueStationCert(ca: CaService, dir: string, name: string, subject: { CN: string; O: string }, validityDays?: number): Promise<StationCert> {
  const key = generateKey(getProfile('charging-station-leaf').keys[0]!);
  const issued = await ca.issue({
    issuerId: 'csms-sub-ca',
    profile: 'charging-station-leaf',
    subject: subjectFor('charging-station-leaf', subject),
    publicKey: key.publicKey,
    identity: subject.CN,
    requestedBy: 'test',
    ...(validityDays !== undefined ? { validityDays } : {}),
  });
  const certPem = toPem(issued.der, 'CERTIFICATE') + toPem(issued.chain[0]!, 'CERTIFICATE');
  const keyPem = key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const certFile = join(dir, `${name}.pem`);
  const keyFile = join(dir, `${name}.key`);
  writeFileSync(certFile, certPem);
  writeFileSync(keyFile, keyPem);
  return { serial: issued.serial, certPem, keyPem, certFile, keyFile };
}

export interface ConnectOutcome {
  /** 101 when the WebSocket opened, else the HTTP status (0: the connection failed). */
  status: number;
  ws: WebSocket | null;
}

export interface ClientOptions {
  ca?: string;
  cert?: string;
  key?: string;
  password?: string;
  user?: string;
  headers?: Record<string, string>;
  localAddress?: string;
}

/** A WebSocket to ws:// or wss://; resolves with the outcome instead of throwing. */
export function tryConnect(url: string, o: ClientOptions = {}): Promise<ConnectOutcome> {
  const headers: Record<string, string> = { ...(o.headers ?? {}) };
  if (o.password !== undefined) {
    const id = o.user ?? decodeURIComponent(url.slice(url.lastIndexOf('/') + 1));
    headers.authorization = `Basic ${Buffer.from(`${id}:${o.password}`).toString('base64')}`;
  }
  return new Promise((resolve) => {
    const ws = new WebSocket(url, ['ocpp2.0.1'], {
      headers,
      perMessageDeflate: false,
      ...(o.ca !== undefined ? { ca: o.ca } : {}),
      ...(o.cert !== undefined ? { cert: o.cert } : {}),
      ...(o.key !== undefined ? { key: o.key } : {}),
      ...(o.localAddress !== undefined ? { localAddress: o.localAddress } : {}),
    });
    ws.once('open', () => resolve({ status: 101, ws }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0, ws: null });
      ws.terminate();
    });
    ws.once('error', () => resolve({ status: 0, ws: null }));
  });
}

export async function closeWs(ws: WebSocket | null): Promise<void> {
  if (!ws || ws.readyState === WebSocket.CLOSED) return;
  await new Promise<void>((resolve) => {
    ws.once('close', () => resolve());
    ws.close();
  });
}

/** A raw HTTP upgrade over plain TCP from a chosen source address: the status only (10,000 of these). */
export function rawStatus(port: number, path: string, headers: Record<string, string>, localAddress: string): Promise<number> {
  return new Promise((resolve) => {
    const socket = netConnect({ port, host: '127.0.0.1', localAddress });
    let buf = '';
    socket.on('error', () => resolve(0));
    socket.on('data', (chunk) => {
      buf += chunk.toString('latin1');
      const line = buf.indexOf('\r\n');
      if (line !== -1) {
        resolve(Number(buf.slice(0, line).split(' ')[1]));
        socket.destroy();
      }
    });
    socket.on('close', () => resolve(0));
    const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ocpp2.0.1\r\n${extra}\r\n`);
  });
}

export interface OpensslOutcome {
  /** The HTTP status the server answered, 0 when the handshake failed. */
  status: number;
  output: string;
}

/** `openssl s_client` as the station: TLS handshake, then the upgrade request by hand. */
export function opensslUpgrade(port: number, path: string, args: readonly string[], extraHeaders = ''): Promise<OpensslOutcome> {
  return new Promise((resolve) => {
    const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-ign_eof', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    const done = (): void => {
      clearTimeout(timer);
      const m = /HTTP\/1\.1 (\d{3})/.exec(out);
      resolve({ status: m ? Number(m[1]) : 0, output: out });
    };
    const timer = setTimeout(() => child.kill(), 5000);
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('latin1');
      if (/HTTP\/1\.1 \d{3}/.test(out)) child.kill();
    });
    child.stderr.on('data', (c: Buffer) => (out += c.toString('latin1')));
    child.on('close', done);
    child.stdin.on('error', () => undefined);
    child.stdin.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ocpp2.0.1\r\n${extraHeaders}\r\n`);
  });
}
