// Flux seeder -> Flux leecher under `workers`: a single-file torrent, compared byte for byte.
import { transferSuite } from './helpers/transfer-suite.ts';

transferSuite('workers', 'single');
