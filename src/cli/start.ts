import type { Command } from './command.js';
import { doctorCommand } from './doctor.js';
import { matmulCommand } from './matmul.js';

const help = `
Usage: hetbench start

The default job behind 'npm start': shows the adapter (hetbench doctor), then runs a
short verified matmul benchmark. Takes no options; run the commands themselves for more.
`;

export const startCommand: Command = {
  name: 'start',
  summary: 'the default job that `npm start` runs',
  help,
  async run(argv) {
    if (argv.length > 0) {
      process.stderr.write(`hetbench start takes no options (got ${argv.join(' ')}); see 'hetbench --help'.\n`);
      return 2;
    }
    const code = await doctorCommand.run([]);
    if (code !== 0) return code;
    process.stdout.write('\n');
    return matmulCommand.run(['--m', '1024', '--n', '1024', '--k', '1024', '--reps', '5']);
  },
};
