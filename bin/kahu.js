#!/usr/bin/env node
// Runs the TypeScript source through tsx in a checkout (npm ci installs it), else the compiled CLI.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src', 'cli', 'main.ts');
const built = join(root, 'dist', 'cli', 'main.js');
let useSource = existsSync(source) && !process.env.KAHU_USE_DIST;
if (useSource) {
  try {
    const { register } = await import('tsx/esm/api');
    register();
  } catch {
    useSource = false;
  }
}
await import(pathToFileURL(useSource ? source : built).href);
