/**
 * The browser suite, run by test/browser/<runtime>.test.ts (a file per runtime keeps each file's time bounded:
 * Chromium alone takes seconds to load a page on a loaded machine). The browser client end to end, in headless Chromium (Debian's `chromium`, driven by playwright-core), under
 * every runtime: two pages load /, join by name, the page that is "it" chases the other with the arrow keys
 * until it tags it, and both pages show the tag (its line, and who is "it" now). Skips, saying so, where no
 * Chromium is installed.
 */

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { RuntimeKind } from '@flux/runtime';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startGame } from './game-server.ts';

function findChromium(): string | undefined {
  if (process.env['CHROMIUM_PATH'] !== undefined && existsSync(process.env['CHROMIUM_PATH'])) return process.env['CHROMIUM_PATH'];
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const path = execFileSync('which', [name], { encoding: 'utf8' }).trim();
      if (path !== '') return path;
    } catch {
      // not on PATH
    }
  }
  return undefined;
}

const executablePath = findChromium();
const skip = executablePath === undefined ? 'no Chromium installed (apt-get install chromium, or set CHROMIUM_PATH)' : false;

interface PageGame {
  id: string | null;
  it: string | null;
  connected: boolean;
  me: { x: number; y: number } | undefined;
  others: { id: string; x: number; y: number }[];
}

async function view(page: Page): Promise<PageGame> {
  return page.evaluate(() => {
    const game = (globalThis as any).tagGame;
    const last = game.states.at(-1);
    const players = last === undefined ? [] : [...last.players.values()];
    return {
      id: game.id,
      it: game.it,
      connected: game.connected,
      me: players.find((p: any) => p.id === game.id),
      others: players.filter((p: any) => p.id !== game.id),
    };
  });
}

async function hold(page: Page, held: Set<string>, wanted: Set<string>): Promise<void> {
  for (const key of held) if (!wanted.has(key)) await page.keyboard.up(key);
  for (const key of wanted) if (!held.has(key)) await page.keyboard.down(key);
  held.clear();
  for (const key of wanted) held.add(key);
}

export function browserSuite(runtime: RuntimeKind): void {
describe(`browser (${runtime})`, { skip, timeout: 90_000 }, () => {
  let browser: Browser;
  before(async () => {
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  });
  after(async () => {
    await browser?.close();
  });

  {
    it(`two pages: one chases and tags the other, and both show it (${runtime})`, { timeout: 60_000 }, async () => {
      const game = await startGame(runtime, { arenaW: 400, arenaH: 300 });
      const context = await browser.newContext({ viewport: { width: 640, height: 480 } });
      try {
        const pages = [await context.newPage(), await context.newPage()];
        const names = ['alice', 'bob'];
        for (const [i, page] of pages.entries()) {
          await page.goto(`${game.url}/`);
          await page.fill('#name', names[i]!);
          await page.click('button[type=submit]');
          await page.waitForFunction(() => (globalThis as any).tagGame.connected && (globalThis as any).tagGame.states.length > 0, undefined, { timeout: 15_000 });
        }
        // Both see each other and agree on who is "it".
        await pages[0]!.waitForFunction(() => (globalThis as any).tagGame.states.at(-1)?.players.size === 2, undefined, { timeout: 15_000 });
        const first = await view(pages[0]!);
        const chaserIndex = first.it === first.id ? 0 : 1;
        const chaser = pages[chaserIndex]!;
        const runner = pages[1 - chaserIndex]!;
        const runnerId = (await view(runner)).id!;
        const chaserName = names[chaserIndex]!;
        const runnerName = names[1 - chaserIndex]!;
        assert.match((await chaser.textContent('#status'))!, /You are it/);

        await chaser.bringToFront();
        const held = new Set<string>();
        const deadline = Date.now() + 30_000;
        for (;;) {
          const v = await view(chaser);
          if (v.it === runnerId) break;
          assert.ok(Date.now() < deadline, 'the chaser caught the runner within 30 s');
          const target = v.others.find((p) => p.id === runnerId);
          const wanted = new Set<string>();
          if (v.me !== undefined && target !== undefined) {
            if (target.x - v.me.x > 4) wanted.add('ArrowRight');
            if (target.x - v.me.x < -4) wanted.add('ArrowLeft');
            if (target.y - v.me.y > 4) wanted.add('ArrowDown');
            if (target.y - v.me.y < -4) wanted.add('ArrowUp');
          }
          await hold(chaser, held, wanted);
          await chaser.waitForTimeout(50);
        }
        await hold(chaser, held, new Set());

        // Both pages show the tag and the new "it".
        for (const page of [chaser, runner]) {
          await page.waitForFunction((id) => (globalThis as any).tagGame.it === id, runnerId, { timeout: 5_000 });
          await page.waitForFunction((text) => (globalThis as any).document.getElementById('event')!.textContent!.includes(text), `${chaserName} tagged ${runnerName}`, { timeout: 5_000 });
        }
        assert.match((await runner.textContent('#status'))!, /You are it/);
        assert.equal((await chaser.textContent('#status'))!, `${runnerName} is it`);
        assert.match((await chaser.textContent('#scores'))!, new RegExp(`${chaserName}: 1`));
      } finally {
        await context.close();
        await game.stop();
      }
    });
  }
});
}
