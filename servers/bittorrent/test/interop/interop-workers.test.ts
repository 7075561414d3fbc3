import { interopSuite } from './suite.ts';
import { RUNTIMES } from './helpers/runtimes.ts';
import { test } from 'node:test';

if (RUNTIMES.includes('workers')) interopSuite('workers');
else test('interop under workers', { skip: 'the workers runtime is not built into @flux/runtime' }, () => {});
