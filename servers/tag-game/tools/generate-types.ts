/** Regenerates src/tag-game.flux.ts from tag-game.flux: `node servers/tag-game/tools/generate-types.ts`. */

import { tagGame } from '../src/server.ts';

tagGame.writeTypes();
