// Flux seeder -> Flux leecher under `event`: a multi-file torrent, compared byte for byte.
import { transferSuite } from './helpers/transfer-suite.ts';

transferSuite('event', 'multi');
