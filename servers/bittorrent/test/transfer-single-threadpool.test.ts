// Flux seeder -> Flux leecher under `threadpool`: a single-file torrent, compared byte for byte.
import { transferSuite } from './helpers/transfer-suite.ts';

transferSuite('threadpool', 'single');
