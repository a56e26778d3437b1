import { EXIT_CODES } from '../errors.js';
import { type Command, defineCommand } from './command.js';
export const fleetManifestCommand: Command = defineCommand({
  name: 'fleet manifest',
  summary: '',
  help: 'todo',
  run: async () => EXIT_CODES.internal,
});
