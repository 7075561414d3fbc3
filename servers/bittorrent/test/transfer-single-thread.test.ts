// Flux seeder -> Flux leecher under `thread`: a single-file torrent, compared byte for byte.
import { transferSuite } from './helpers/transfer-suite.ts';

transferSuite('thread', 'single');
