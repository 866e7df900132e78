import type { Command } from 'commander';

/** Each command module exports a function that adds its command to the program. Add one line per command. */
export const commands: Array<(program: Command) => void> = [];
