import { EXIT_CODES, type ExitCode } from '../errors.js';
import { type Command, defineCommand } from './command.js';
import { doctorCommand } from './doctor.js';
import { matmulCommand } from './matmul.js';
import { measuredRunEnv } from './measured-run-env.js';
import { runCommand } from './run.js';

const help = `
Usage: hetbench start

The default job behind 'npm start': shows the adapter (hetbench doctor), checks one
verified 1024^3 matmul on it (hetbench matmul), then runs the straggler benchmark on the
built-in default, colossus-1 x 70b with every policy (hetbench run), writing its report to
out/run.json and out/run.html. Takes no options; run the commands themselves for more.
`;

export const startCommand: Command = defineCommand({
  name: 'start',
  opensGpu: true,
  childEnv: measuredRunEnv,
  summary: 'the default job that `npm start` runs: doctor, a verified matmul, then run',
  help,
  async run(argv) {
    if (argv.length > 0) {
      process.stderr.write(`hetbench start takes no options (got ${argv.join(' ')}); see 'hetbench start --help'.\n`);
      return EXIT_CODES.badInput;
    }
    const jobs: readonly (readonly [string, () => Promise<ExitCode>])[] = [
      ['doctor', () => doctorCommand.run([])],
      ['matmul', () => matmulCommand.run(['--m', '1024', '--n', '1024', '--k', '1024', '--reps', '5'])],
      ['run', () => runCommand.run(['--json', 'out/run.json', '--html', 'out/run.html'])],
    ];
    for (const [name, job] of jobs) {
      process.stdout.write(`\n== hetbench ${name}\n`);
      const code = await job();
      if (code !== 0) return code;
    }
    return EXIT_CODES.ok;
  },
});
