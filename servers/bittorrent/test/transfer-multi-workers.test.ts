// Flux seeder -> Flux leecher under `workers`: a multi-file torrent, compared byte for byte.
import { transferSuite } from './helpers/transfer-suite.ts';

transferSuite('workers', 'multi');
