import { test } from 'node:test';
import { interopSuite } from './suite.ts';
import { RUNTIMES } from './helpers/runtimes.ts';

if (RUNTIMES.includes('event')) interopSuite('event', 'magnet');
else test('interop (magnet) under event', { skip: 'the event runtime is not built into @flux/runtime' }, () => {});
