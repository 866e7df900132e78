import { Command } from 'commander';
import { KahuError } from '../core/index.js';
import { VERSION } from './version.js';
import { commands } from './commands/index.js';
import { EXIT } from './exit-codes.js';

const program = new Command('kahu')
  .description('Kahu: evidence to attributed assessment (Exchange/IIS logs, EVTX, Sigma, YARA, ATT&CK)')
  .version(VERSION, '-V, --version')
  .showHelpAfterError()
  .exitOverride((err) => {
    // commander's own help/version exits are not errors.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') {
      process.exit(EXIT.ok);
    }
    process.exit(EXIT.usage);
  });

for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof KahuError && err.code === 'usage') {
    process.stderr.write(`kahu: ${err.message}\n`);
    process.exit(EXIT.usage);
  }
  process.stderr.write(`kahu: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(EXIT.internal);
}
