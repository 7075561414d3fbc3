/** A client that stops reading, under `thread` (test/helpers/slow-reader.ts). */

import { RUNTIMES } from '../helpers/runtimes.ts';
import { slowReaderSuite } from '../helpers/slow-reader.ts';

if (RUNTIMES.includes('thread')) slowReaderSuite('thread');
