/** 2,000 connect / join / leave cycles under `event` (test/helpers/churn.ts). */

import { RUNTIMES } from '../helpers/runtimes.ts';
import { churnSuite } from '../helpers/churn.ts';

if (RUNTIMES.includes('event')) churnSuite('event');
