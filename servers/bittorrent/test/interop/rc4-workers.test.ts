import { test } from 'node:test';
import { interopSuite } from './suite.ts';
import { RUNTIMES } from './helpers/runtimes.ts';

if (RUNTIMES.includes('workers')) interopSuite('workers', 'rc4');
else test('interop (rc4) under workers', { skip: 'the workers runtime is not built into @flux/runtime' }, () => {});
