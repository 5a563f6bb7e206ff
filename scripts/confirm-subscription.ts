import { confirmationOf, confirmCommand } from './lib/confirm-subscription';
import { parseArguments, usageError } from './lib/usage';

const USAGE = `usage: npm run -s confirm-subscription -- '<confirmation link>'
Prints the AWS CLI command that confirms an alert e-mail subscription so that only the topic's owner and
the subscriber can cancel it. Copy the link from SNS's e-mail ("Confirm
subscription") without opening it, and run the command with credentials of the topic's account (docs/alerts.md).`;

const args = require.main === module ? parseArguments(USAGE, { min: 1, max: 1 }) : undefined;
if (args) {
  try {
    process.stdout.write(`${confirmCommand(confirmationOf(args.positional[0]))}\n`);
  } catch (e) {
    usageError(USAGE, (e as Error).message);
  }
}
