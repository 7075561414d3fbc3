import { test } from 'node:test';
import { interopSuite } from './suite.ts';
import { RUNTIMES } from './helpers/runtimes.ts';

if (RUNTIMES.includes('threadpool')) interopSuite('threadpool', 'from-webtorrent');
else test('interop (from-webtorrent) under threadpool', { skip: 'the threadpool runtime is not built into @flux/runtime' }, () => {});
