import { interopSuite } from './suite.ts';
import { RUNTIMES } from './helpers/runtimes.ts';
import { test } from 'node:test';

if (RUNTIMES.includes('thread')) interopSuite('thread');
else test('interop under thread', { skip: 'the thread runtime is not built into @flux/runtime' }, () => {});
