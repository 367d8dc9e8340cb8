// `plugtrust est hash-password`: the basicPasswordHash of an EST account, from a password read on
// stdin (never from the command line, where other users could see it).
import { hashSecret } from '../api/secret-hash.js';

export async function estCommand(argv: string[]): Promise<number> {
  const [sub] = argv;
  if (sub !== 'hash-password') {
    process.stdout.write(`Usage: plugtrust est hash-password < password-file

Prints the scrypt hash to put in an EST account's "auth": { "basicPasswordHash": ... } in the
file named by --est-config. The password is read from stdin (first line), at least 16 characters.
`);
    return sub === '--help' || sub === '-h' ? 0 : 2;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  if (password.length < 16) {
    process.stderr.write('plugtrust: the password must have at least 16 characters\n');
    return 1;
  }
  process.stdout.write(`${await hashSecret(password)}\n`);
  return 0;
}
