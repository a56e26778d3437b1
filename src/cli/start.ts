import { EXIT_CODES, type ExitCode } from '../errors.js';
import { type Command, defineCommand } from './command.js';
import { doctorCommand } from './doctor.js';
import { matmulCommand } from './matmul.js';
import { measuredRunEnv } from './measured-run-env.js';
import { runCommand } from './run.js';

const help = `
Usage: hetbench start

The default job behind 'npm start': shows the adapter (hetbench doctor), checks one
verified 1024^3 matmul on it (hetbench matmul), then measures a hybrid-parallel job as
colossus-1 would run it, every policy on pipeline stages (hetbench run --workload llama3-405b
--tp 8 --pp 4 --global-batch 8192: Llama 3 405B, tensor parallel in each 8-GPU NVLink
domain, 4 pipeline stages, 6,874 replicas sharing 8,192 sequences of 8,192 tokens), writing
its report to out/run.json and out/run.html. Takes no options; run the commands themselves
for more ('hetbench run' alone is the data-parallel colossus-1 x 70b job).
`;

/**
 * The job `npm start` measures: a realistic colossus-1 job (README, "Why npm start runs
 * llama3-405b on stages"): Llama 3 405B in tp 8 x pp 4 replicas, at the smallest round batch that
 * gives each of the 6,874 replicas work (a 64M-token step; Llama 3's own 16M-token batch would
 * idle two thirds of them, docs/simulator.md). pp 4, not Llama 3's 16, keeps it within a minute
 * on a software adapter (every stage is a pass per policy step).
 */
export const START_JOB = [
  '--workload',
  'llama3-405b',
  '--tp',
  '8',
  '--pp',
  '4',
  '--global-batch',
  '8192',
  // A hard 40 s: the default run's extension to resolve class ratios (up to 120 s) is for gates.
  '--max-time',
  '40',
] as const;

export const startCommand: Command = defineCommand({
  name: 'start',
  opensGpu: true,
  childEnv: measuredRunEnv,
  summary: 'the default job that `npm start` runs: doctor, a verified matmul, then a hybrid-parallel run',
  help,
  async run(argv) {
    if (argv.length > 0) {
      process.stderr.write(`hetbench start takes no options (got ${argv.join(' ')}); see 'hetbench start --help'.\n`);
      return EXIT_CODES.badInput;
    }
    const jobs: readonly (readonly [string, () => Promise<ExitCode>])[] = [
      ['doctor', () => doctorCommand.run([])],
      ['matmul', () => matmulCommand.run(['--m', '1024', '--n', '1024', '--k', '1024', '--reps', '5'])],
      ['run', () => runCommand.run([...START_JOB, '--json', 'out/run.json', '--html', 'out/run.html'])],
    ];
    for (const [name, job] of jobs) {
      process.stdout.write(`\n== hetbench ${name}\n`);
      const code = await job();
      if (code !== 0) return code;
    }
    return EXIT_CODES.ok;
  },
});
