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

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
