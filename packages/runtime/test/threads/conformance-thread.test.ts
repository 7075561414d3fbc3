/**
 * The shared conformance suite's parts that `thread` can run in seconds. (`thread` starts a worker per flow
 * without a session, about 30 ms of CPU each here; the dispatch, errors and locks suites run 160-800 such flows
 * and wait in test/conformance/runtimes.ts for volume scaling.)
 */

import { lifecycleSuite } from '../conformance/lifecycle.ts';

lifecycleSuite('thread');
