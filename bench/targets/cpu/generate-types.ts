/** Regenerates src/cpu.flux.ts (the program's types module) from cpu.flux: `node bench/targets/cpu/generate-types.ts`. */

import { cpuServer } from './src/server.ts';

cpuServer.writeTypes();
