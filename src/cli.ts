import './platform/config/node-env';
import 'reflect-metadata';
import { Command } from 'commander';
import { auditCommand } from './cli/audit.command';
import { backupCommand } from './cli/backup.command';
import { customersCommand } from './cli/customers.command';
import { demoCommand } from './cli/demo.command';
import { projectionsCommand } from './cli/projections.command';
import { schemaCommand } from './cli/schema.command';
import { serveCommand } from './cli/serve.command';
import { tokenCommand } from './cli/token.command';
import { productVersion } from './platform/config/version';
import { escapeUnprintable } from './platform/domain/printable-text';
import { failureMessage } from './platform/faults/failure-message';
import { sendWarningsTo } from './platform/observability/process-warnings';

const program = new Command('partner-ledger')
  .description('partner-ledger command line')
  .version(productVersion(), '-V, --version', 'print the version')
  .addCommand(serveCommand)
  .addCommand(projectionsCommand)
  .addCommand(tokenCommand)
  .addCommand(auditCommand)
  .addCommand(customersCommand)
  .addCommand(demoCommand)
  .addCommand(schemaCommand)
  .addCommand(backupCommand);

// Refusals quote the arguments given: an escape sequence among them is shown, never run.
const writeErr = (text: string) => process.stderr.write(escapeUnprintable(text));
const withSafeErrors = (command: Command): void => {
  command.configureOutput({ writeErr });
  command.commands.forEach(withSafeErrors);
};
withSafeErrors(program);

// This product's warnings (an event it cannot read) read as its own lines, not as Node's (which
// point at --trace-warnings); Node's are shown the same way.
sendWarningsTo((message) => writeErr(`partner-ledger: warning: ${message}\n`));

// Output that cannot be written (a full disk, a closed pipe) ends the command with a truthful exit
// code: console.log would drop the error, leaving an empty file and exit 0. A reader that stops
// early (`| head`) ends it quietly, as other command-line tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  writeErr(`error: the output cannot be written (${failureMessage(error)}); it is incomplete\n`);
  process.exit(1);
});

program.parseAsync(process.argv).catch((error: unknown) => {
  writeErr(`error: ${failureMessage(error, process.env.DATA_DIR?.trim() || './data')}\n`);
  process.exit(1);
});
