import { EXIT_CODES } from '../errors.js';
import { type Command, defineCommand } from './command.js';

/** `hetbench fleet node|manifest|merge`: the subcommands, loaded lazily like the commands. */
const subcommands = {
  node: async () => (await import('./fleet-node.js')).fleetNodeCommand,
  manifest: async () => (await import('./fleet-manifest.js')).fleetManifestCommand,
  merge: async () => (await import('./fleet-merge.js')).fleetMergeCommand,
} as const satisfies Record<string, () => Promise<Command>>;

type Subcommand = keyof typeof subcommands;
const names = Object.keys(subcommands) as Subcommand[];

const help = `
Usage: hetbench fleet node|manifest|merge [options]

Fleet measurement on an existing engine (docs/fleet.md): one hetbench per node under
Kubernetes (an Indexed Job) or Slurm (a job array), merged into a fleet report that finds the
slow nodes and a fleet file that plan, simulate and run take as --fleet FILE.

  fleet node --out FILE       measure this node: adapter and host, roofline, the tuned matmul at
                              the training shapes, a timed series of units (speed, noise)
  fleet manifest --engine k8s|slurm --nodes N --out DIR
                              write the Kubernetes Indexed Job or the Slurm batch script
  fleet merge FILES...        merge node files (or merged fleet files): per-group speed and
                              noise, slow nodes flagged, the fitted fleet file

Run 'hetbench fleet <subcommand> --help' for its options.
Exit codes: 0 ok, 2 bad input, 3 GPU failure (fleet node: what finished is written), 70 internal error.
`;

export const fleetCommand: Command = defineCommand({
  name: 'fleet',
  summary: 'fleet measurement under Kubernetes or Slurm: per-node runs, manifests, merge (slow nodes)',
  help,
  helpFor: async (argv) => {
    const sub = names.find((n) => n === argv[0]);
    return sub === undefined ? help : (await subcommands[sub]()).help;
  },
  opensGpu: (argv) => argv[0] === 'node',
  async run(argv) {
    const [name, ...rest] = argv;
    const sub = names.find((n) => n === name);
    if (sub === undefined) {
      process.stderr.write(
        `hetbench fleet: ${name === undefined ? 'needs a subcommand' : `unknown subcommand ${JSON.stringify(name)}`}; ` +
          `subcommands: ${names.join(', ')}. See 'hetbench fleet --help'.\n`,
      );
      return EXIT_CODES.badInput;
    }
    return (await subcommands[sub]()).run(rest);
  },
});
