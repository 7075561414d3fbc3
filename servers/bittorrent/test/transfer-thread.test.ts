// Flux seeder -> Flux leecher under `thread`: single- and multi-file torrents, compared byte for byte.
import { transferSuite } from './helpers/transfer-suite.ts';

transferSuite('thread');
