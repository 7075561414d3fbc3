import { test } from 'node:test';
import { interopSuite } from './suite.ts';
import { RUNTIMES } from './helpers/runtimes.ts';

if (RUNTIMES.includes('threadpool')) interopSuite('threadpool', 'magnet');
else test('interop (magnet) under threadpool', { skip: 'the threadpool runtime is not built into @flux/runtime' }, () => {});
