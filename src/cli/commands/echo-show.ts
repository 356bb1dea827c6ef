import type { CommandSpec } from '../types.js';
import { ECHO_FIELDS } from './echo-data.js';

/** Hidden test command: prints a sample object in any show format. */
export const command: CommandSpec = {
  name: '_echo-show',
  summary: 'Print a sample object (for testing output formats)',
  output: 'show',
  configure() {},
  async run() {
    return { kind: 'show', fields: ECHO_FIELDS };
  },
};
