/** A client that stops reading, under `event` (test/helpers/slow-reader.ts). */

import { RUNTIMES } from '../helpers/runtimes.ts';
import { slowReaderSuite } from '../helpers/slow-reader.ts';

if (RUNTIMES.includes('event')) slowReaderSuite('event');
