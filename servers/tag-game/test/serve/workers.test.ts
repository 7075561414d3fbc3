/** serve.ts as a process, under `workers` (test/helpers/serve.ts). */

import { RUNTIMES } from '../helpers/runtimes.ts';
import { serveSuite } from '../helpers/serve.ts';

if (RUNTIMES.includes('workers')) serveSuite('workers');
