import { interopSuite } from './suite.ts';
import { RUNTIMES } from './helpers/runtimes.ts';
import { test } from 'node:test';

if (RUNTIMES.includes('event')) interopSuite('event');
else test('interop under event', { skip: 'the event runtime is not built into @flux/runtime' }, () => {});
