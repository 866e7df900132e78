import type { Command } from 'commander';
import { register as attack } from './attack.js';
import { register as attribute } from './attribute.js';
import { register as evtx } from './evtx.js';
import { register as exchange } from './exchange.js';
import { register as scan } from './scan.js';
import { register as sigma } from './sigma.js';

/** Each command module exports a function that adds its command to the program. Add one line per command. */
export const commands: Array<(program: Command) => void> = [exchange, sigma, evtx, scan, attack, attribute];
