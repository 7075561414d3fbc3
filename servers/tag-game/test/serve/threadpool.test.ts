/** serve.ts as a process, under `threadpool` (test/helpers/serve.ts). */

import { RUNTIMES } from '../helpers/runtimes.ts';
import { serveSuite } from '../helpers/serve.ts';

if (RUNTIMES.includes('threadpool')) serveSuite('threadpool');
