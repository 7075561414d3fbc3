import { test } from 'node:test';
import { interopSuite } from './suite.ts';
import { RUNTIMES } from './helpers/runtimes.ts';

if (RUNTIMES.includes('threadpool')) interopSuite('threadpool', 'rc4');
else test('interop (rc4) under threadpool', { skip: 'the threadpool runtime is not built into @flux/runtime' }, () => {});
