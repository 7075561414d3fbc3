import { test } from 'node:test';
import { interopSuite } from './suite.ts';
import { RUNTIMES } from './helpers/runtimes.ts';

if (RUNTIMES.includes('thread')) interopSuite('thread', 'rc4');
else test('interop (rc4) under thread', { skip: 'the thread runtime is not built into @flux/runtime' }, () => {});
