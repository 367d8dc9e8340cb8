// The OCPP listener for security profiles 2 and 3: TLS 1.2 or 1.3 only, the cipher suites OCPP
// requires of a CSMS, a client certificate requested from every station but judged per station
// by the upgrade pipeline (a profile 2 station sends none). The same upgrade pipeline as plain ws
// runs behind it (OcppServer.attach).
import { createServer, type Server } from 'node:https';
import { constants } from 'node:crypto';
import type { SecureContextOptions, TlsOptions } from 'node:tls';

/**
 * OCPP 2.0.1 Part 2 A00.FR.318: a CSMS supports TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 and
 * TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 (EC server certificate) and TLS_RSA_WITH_AES_128_GCM_SHA256
 * and TLS_RSA_WITH_AES_256_GCM_SHA384 (RSA server certificate), in OpenSSL's names below. TLS 1.3
 * (A00.FR.3xx allows 1.2 or higher) offers its AES-GCM suites.
 */
export const OCPP_TLS12_CIPHERS = ['ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'AES128-GCM-SHA256', 'AES256-GCM-SHA384'] as const;
export const OCPP_TLS13_CIPHERS = ['TLS_AES_256_GCM_SHA384', 'TLS_AES_128_GCM_SHA256'] as const;

export interface TlsMaterial {
  /** PEM private key. */
  key: string;
  /** PEM server certificate, then its issuing CAs. */
  cert: string;
  /** PEM CA certificates named in the CertificateRequest (the CSMS root), as a hint to stations. */
  ca?: string;
}

export function ocppTlsContext(material: TlsMaterial): SecureContextOptions {
  return {
    key: material.key,
    cert: material.cert,
    ...(material.ca !== undefined ? { ca: material.ca } : {}),
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.3',
    ciphers: [...OCPP_TLS13_CIPHERS, ...OCPP_TLS12_CIPHERS].join(':'),
    honorCipherOrder: true,
    // No session tickets. A resumed session would skip nothing we rely on (the certificate is
    // checked against the store at every upgrade), tickets do not survive a restart (their keys
    // live in the process), and issuing them costs CPU per handshake and, measured with TLS 1.3
    // and client certificates, about 15 KiB more per open connection: OpenSSL keeps the ticket's
    // session copy, peer certificates included, for the life of the connection.
    secureOptions: constants.SSL_OP_NO_TICKET,
  };
}

export function ocppTlsOptions(material: TlsMaterial): TlsOptions {
  // requestCert without rejectUnauthorized: the upgrade pipeline decides per station profile,
  // with our own path validation and revocation from our store (never OpenSSL's verdict alone).
  return { ...ocppTlsContext(material), requestCert: true, rejectUnauthorized: false };
}

export interface OcppTlsListener {
  readonly server: Server;
  /** Swaps in a renewed certificate and key; open connections keep theirs. */
  reload(material: TlsMaterial): void;
}

export function createOcppTlsListener(material: TlsMaterial): OcppTlsListener {
  const server = createServer(ocppTlsOptions(material), (_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' }).end('OCPP-J: connect with a WebSocket to /ocpp/<stationId>\n');
  });
  // A failed handshake (wrong version, no shared cipher) is the client's problem, not ours.
  server.on('tlsClientError', () => undefined);
  return {
    server,
    reload: (next) => server.setSecureContext(ocppTlsContext(next)),
  };
}
