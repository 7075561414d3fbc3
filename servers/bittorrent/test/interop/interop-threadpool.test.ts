import { interopSuite } from './suite.ts';
import { RUNTIMES } from './helpers/runtimes.ts';
import { test } from 'node:test';

if (RUNTIMES.includes('threadpool')) interopSuite('threadpool');
else test('interop under threadpool', { skip: 'the threadpool runtime is not built into @flux/runtime' }, () => {});
