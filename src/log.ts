// Structured logs (pino). Secrets and keys are redacted by path wherever they might appear.
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

export const REDACTED_PATHS = [
  'secret',
  'password',
  'client_secret',
  'privateKey',
  '*.secret',
  '*.password',
  '*.client_secret',
  '*.privateKey',
  'req.headers.authorization',
  'headers.authorization',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options = { level, base: { service: 'plugtrust' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}

/** A logger that writes nothing, for tests and library callers. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
