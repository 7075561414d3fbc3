// Writes src/image-scaler.flux.ts from src/image-scaler.flux (what `pnpm flux build` does for this server).
import { writeFileSync } from 'node:fs';
import { compileProgram, GENERATED_TYPES } from '../src/program.ts';

writeFileSync(GENERATED_TYPES, compileProgram().typesModule);
