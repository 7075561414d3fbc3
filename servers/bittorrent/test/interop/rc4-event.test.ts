import { test } from 'node:test';
import { interopSuite } from './suite.ts';
import { RUNTIMES } from './helpers/runtimes.ts';

if (RUNTIMES.includes('event')) interopSuite('event', 'rc4');
else test('interop (rc4) under event', { skip: 'the event runtime is not built into @flux/runtime' }, () => {});
