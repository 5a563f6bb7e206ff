import * as fs from 'fs';
import * as path from 'path';
import { missingPackagePageFields } from './lib/publish-check';
import { parseArguments } from './lib/usage';

const USAGE = `usage: npm publish (runs this as prepublishOnly)
Refuses to publish while package.json lacks repository, homepage or bugs (an https URL each): npm
resolves the README's links against repository, so without it every link on the package page is dead.`;

if (parseArguments(USAGE, { max: 0 })) {
  const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
  const missing = missingPackagePageFields(manifest);
  if (missing.length > 0) {
    console.error(`not published: package.json needs ${missing.join(', ')} (an https URL each) for the package page's links; the guides ship in docs/ either way`);
    process.exitCode = 1;
  }
}
