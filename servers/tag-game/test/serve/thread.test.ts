/** serve.ts as a process, under `thread` (test/helpers/serve.ts). */

import { RUNTIMES } from '../helpers/runtimes.ts';
import { serveSuite } from '../helpers/serve.ts';

if (RUNTIMES.includes('thread')) serveSuite('thread');
