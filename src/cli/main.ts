#!/usr/bin/env node
// plugtrust: the command line. `start` runs the CSMS, `migrate` brings the database schema up
// to date, `sim` runs a charging-station simulator. Every command has --help.
// Commands are loaded when run: `start` opens the embedded database before it loads the server.

const USAGE = `Usage: plugtrust <command> [options]

Commands:
  start     run the CSMS (OCPP 2.0.1 WebSocket server and HTTP API)
  migrate   apply pending database migrations and exit
  sim       run a charging-station simulator against a CSMS
  pki       the certificate authority: init, export, issue, revoke, list, show, import
  audit     verify the hash chain of the CA audit log
  contract  contracts of eMSPs: emsp-add, emsps, create, upload, list, show, revoke, delete
  est       EST helpers: hash-password

Run 'plugtrust <command> --help' for the options of a command.
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      return (await import('./server-commands.js')).startCommand(rest);
    case 'migrate':
      return (await import('./server-commands.js')).migrateCommand(rest);
    case 'sim':
      return (await import('./sim-command.js')).simCommand(rest);
    case 'pki':
      return (await import('./pki-command.js')).pkiCommand(rest);
    case 'audit':
      return (await import('./audit-command.js')).auditCommand(rest);
    case 'contract':
      return (await import('./contract-command.js')).contractCommand(rest);
    case 'est':
      return (await import('./est-command.js')).estCommand(rest);
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`plugtrust: unknown command '${command}'\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== -1) process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`plugtrust: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
