// Writes src/image-scaler.flux.ts from src/image-scaler.flux (what `pnpm flux build` does for this server).
import { scalerServer } from '../src/server.ts';

scalerServer.writeTypes();
