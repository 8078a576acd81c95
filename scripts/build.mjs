// Builds the three apps with the Nest CLI (tsc builder).
import { execFileSync } from 'node:child_process';

for (const app of ['api', 'worker', 'sandbox']) {
  execFileSync(process.execPath, ['node_modules/@nestjs/cli/bin/nest.js', 'build', app], { stdio: 'inherit' });
}
