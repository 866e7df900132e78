import { TOOL_VERSION } from '../case/index.js';

/** Kahu's version, from package.json (found from both `src/` and `dist/`). */
export const VERSION: string = TOOL_VERSION;
