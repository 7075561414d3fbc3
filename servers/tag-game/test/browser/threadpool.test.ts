/** The browser client in headless Chromium under `threadpool` (test/helpers/browser.ts); skips where no Chromium is installed. */

import { RUNTIMES } from '../helpers/runtimes.ts';
import { browserSuite } from '../helpers/browser.ts';

if (RUNTIMES.includes('threadpool')) browserSuite('threadpool');
