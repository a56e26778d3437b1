import { EXIT_CODES } from '../errors.js';
import { type Command, defineCommand } from './command.js';
export const fleetMergeCommand: Command = defineCommand({
  name: 'fleet merge',
  summary: '',
  help: 'todo',
  run: async () => EXIT_CODES.internal,
});
