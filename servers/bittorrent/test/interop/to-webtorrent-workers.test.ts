import { test } from 'node:test';
import { interopSuite } from './suite.ts';
import { RUNTIMES } from './helpers/runtimes.ts';

if (RUNTIMES.includes('workers')) interopSuite('workers', 'to-webtorrent');
else test('interop (to-webtorrent) under workers', { skip: 'the workers runtime is not built into @flux/runtime' }, () => {});
