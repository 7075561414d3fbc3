/** Regenerates src/cpu.flux.ts (the program's types module) from cpu.flux: `node bench/targets/cpu/generate-types.ts`. */

import { writeFile } from 'node:fs/promises';
import { compileProgram, TYPES_FILE } from './src/program.ts';

await writeFile(TYPES_FILE, compileProgram().typesModule);
