import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLOSE, SpatialGrid, ViewEncoder, World, cleanName, encodeState, encodeWelcome, gameConfig, parseClientMessage } from '../src/game/index.ts';

/** A seeded generator so spawn points and the choice of "it" repeat. */
function seeded(seed = 1): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function world(partial = {}, now = 0): World {
  let n = 0;
  return new World(gameConfig({ arenaW: 1000, arenaH: 1000, speed: 100, radius: 10, tagBackMs: 1000, viewCell: 100, graceMs: 5000, maxPlayers: 100, ...partial }), {
    now,
    random: seeded(),
    tokenBytes: () => new Uint8Array(16).fill(++n),
  });
}

describe('config', () => {
  it('fills defaults and refuses bad values', () => {
    assert.equal(gameConfig().speed > 0, true);
    assert.throws(() => gameConfig({ speed: -1 }), /speed/);
    assert.throws(() => gameConfig({ arenaW: 10, radius: 10 }), /arena/);
    assert.throws(() => gameConfig({ maxPlayers: 1.5 }), /maxPlayers/);
  });
});

describe('world', () => {
  it('joins, makes the first player "it", and leaves choosing another', () => {
    const w = world();
    const a = w.join('ann').player!;
    const b = w.join('bob').player!;
    assert.equal(w.it, a.id);
    assert.notEqual(a.id, b.id);
    assert.notEqual(a.token, b.token);
    assert.equal(w.leave(a.id), true);
    assert.equal(w.it, b.id);
    assert.equal(w.leave(b.id), true);
    assert.equal(w.it, undefined);
    assert.equal(w.size, 0);
    assert.equal(w.leave('nobody'), false);
  });

  it('refuses joins past maxPlayers', () => {
    const w = world({ maxPlayers: 2 });
    w.join('a');
    w.join('b');
    assert.deepEqual(w.join('c'), { refused: 'full' });
  });

  it('cleans names', () => {
    assert.equal(cleanName('  a\u0000b\nc  ', 16), 'abc');
    assert.equal(cleanName('x'.repeat(40), 16), 'x'.repeat(16));
    const w = world();
    assert.match(w.join('   ').player!.name, /^player /);
  });

  it('moves at the capped speed whatever the input says', () => {
    const w = world({}, 0);
    const p = w.join('ann').player!;
    p.x = 500;
    p.y = 500;
    assert.equal(w.input(p.id, 1, 1e9, 1e9), true);
    for (let t = 1; t <= 4; t++) w.step(t * 250);
    const moved = Math.hypot(p.x - 500, p.y - 500);
    assert.ok(Math.abs(moved - 100) < 1e-9, `moved ${moved}`);
    // A late tick moves no further than maxStepMs allows.
    w.step(1000 + 10_000);
    const more = Math.hypot(p.x - 500, p.y - 500) - moved;
    assert.ok(more <= (100 * w.config.maxStepMs) / 1000 + 1e-9, `moved ${more} in one late tick`);
  });

  it('refuses non-finite inputs and ignores stale ones', () => {
    const w = world();
    const p = w.join('ann').player!;
    assert.equal(w.input(p.id, 1, Number.NaN, 0), false);
    assert.equal(w.input(p.id, 5, 1, 0), true);
    assert.equal(w.input(p.id, 4, -1, 0), true);
    assert.equal(p.dx, 1);
    assert.equal(w.input('nobody', 1, 1, 0), false);
  });

  it('stays inside the arena', () => {
    const w = world({}, 0);
    const p = w.join('ann').player!;
    w.input(p.id, 1, -1, -1);
    for (let t = 1; t <= 100; t++) w.step(t * 200);
    assert.equal(p.x, 10);
    assert.equal(p.y, 10);
  });

  it('tags by contact, scores the tagger, and blocks tagging straight back', () => {
    const w = world({}, 0);
    const a = w.join('ann').player!;
    const b = w.join('bob').player!;
    a.x = 100; a.y = 100;
    b.x = 150; b.y = 100;
    w.input(a.id, 1, 1, 0);
    let tag;
    for (let t = 1; t <= 20 && tag === undefined; t++) tag = w.step(t * 50).tag;
    assert.deepEqual(tag, { tagger: a.id, tagged: b.id });
    assert.equal(a.score, 1);
    assert.equal(w.it, b.id);
    // Still touching, but b cannot tag a back within tagBackMs.
    const at = w.time;
    assert.equal(w.step(at + 100).tag, undefined);
    assert.equal(w.it, b.id);
    // After it, b can.
    w.input(a.id, 2, 0, 0);
    const back = w.step(at + 1100).tag;
    assert.deepEqual(back, { tagger: b.id, tagged: a.id });
    assert.equal(b.score, 1);
  });

  it('does not tag players away; keeps them for the grace period; rejoin by token', () => {
    const w = world({}, 0);
    const a = w.join('ann').player!;
    const b = w.join('bob').player!;
    a.x = 100; a.y = 100; b.x = 105; b.y = 100;
    w.disconnect(b.id, 0);
    assert.equal(w.step(50).tag, undefined);
    assert.equal(w.rejoin(b.token, 4000)?.id, b.id);
    assert.equal(b.awaySince, -1);
    w.disconnect(b.id, 5000);
    assert.deepEqual(w.expire(9000), []);
    assert.deepEqual(w.expire(10_001), [b.id]);
    assert.equal(w.rejoin(b.token, 10_002), undefined);
    assert.equal(w.rejoin('forged', 0), undefined);
    const c = w.join('cat').player!;
    assert.equal(w.rejoin(`${c.id}.${'A'.repeat(22)}`, 0), undefined, 'a token with the wrong secret');
    assert.notEqual(c.id, b.id, 'ids are not reused');
  });

  it('hands "it" to a present player when "it" goes away', () => {
    const w = world();
    const a = w.join('ann').player!;
    const b = w.join('bob').player!;
    w.disconnect(a.id, 0);
    assert.equal(w.it, b.id);
    w.disconnect(b.id, 0);
    assert.equal(w.it, undefined);
    assert.equal(w.rejoin(a.token, 1)?.id, a.id);
    assert.equal(w.it, a.id);
  });

  it('finds players near a point through the grid', () => {
    const w = world();
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) {
      const p = w.join(`p${i}`).player!;
      p.x = 20 * i + 10;
      p.y = 500;
      ids.push(p.id);
    }
    const near = w.near(500, 500, 45).map((p) => p.id).sort();
    const expected = w.list().filter((p) => Math.abs(p.x - 500) <= 45).map((p) => p.id).sort();
    assert.deepEqual(near, expected);
    assert.deepEqual(expected, ids.filter((_, i) => Math.abs(20 * i + 10 - 500) <= 45).sort());
    assert.equal(near.length, 4);
  });
});

describe('grid', () => {
  it('covers the 3 x 3 neighbourhood and clips at the edges', () => {
    const grid = new SpatialGrid(300, 300, 100);
    const xs = [5, 150, 295, 295];
    const ys = [5, 150, 295, 5];
    grid.rebuild([0, 1, 2, 3], xs, ys);
    const seen: number[] = [];
    grid.neighbourhood(grid.cellOf(5, 5), (slot) => seen.push(slot));
    assert.deepEqual(seen, [0, 1]);
    assert.equal(grid.occupied.length, 4);
    grid.rebuild([1], xs, ys);
    assert.deepEqual(grid.occupied, [grid.cellOf(150, 150)]);
    assert.deepEqual(grid.itemsOf(grid.cellOf(5, 5)), []);
  });
});

describe('encoders', () => {
  it('encodes welcome and the full snapshot in the protocol', () => {
    const w = world({}, 1000);
    const a = w.join('a "quoted" name').player!;
    const welcome = JSON.parse(encodeWelcome(a, w, 20).toString());
    assert.deepEqual(welcome, { type: 'welcome', id: a.id, token: a.token, arena: { w: 1000, h: 1000 }, tickHz: 20 });
    w.step(1050);
    const state = JSON.parse(encodeState(w).toString());
    assert.deepEqual(Object.keys(state), ['type', 'tick', 'time', 'it', 'players']);
    assert.equal(state.type, 'state');
    assert.equal(state.tick, 1);
    assert.equal(state.time, 1050);
    assert.equal(state.it, a.id);
    assert.deepEqual(state.players, [{ id: a.id, name: 'a "quoted" name', x: Math.round(a.x), y: Math.round(a.y), score: 0 }]);
  });

  it('gives each player the players of its 3 x 3 cells and "it", the same bytes per cell', () => {
    const w = world();
    const place = (name: string, x: number, y: number) => {
      const p = w.join(name).player!;
      p.x = x;
      p.y = y;
      return p;
    };
    const it = place('it', 950, 950);
    const a = place('a', 50, 50);
    const b = place('b', 60, 60);
    const c = place('c', 150, 150);
    const far = place('far', 550, 550);
    w.step(0);
    const views = new ViewEncoder();
    views.encode(w);
    const seenBy = (p: typeof a) => JSON.parse(views.viewFor(p.slot).toString()).players.map((q: { id: string }) => q.id).sort();
    assert.deepEqual(seenBy(a), [it.id, a.id, b.id, c.id].sort());
    assert.equal(views.viewFor(a.slot), views.viewFor(b.slot));
    assert.deepEqual(seenBy(far), [it.id, far.id].sort());
    assert.deepEqual(seenBy(it), [it.id]);
    assert.equal(JSON.parse(views.viewFor(a.slot).toString()).it, it.id);
    // A player who joined after encode() gets a view made for its cell.
    const late = place('late', 350, 350);
    views.encode(w);
    assert.deepEqual(seenBy(late), [it.id, late.id].sort());
  });
});

describe('client messages', () => {
  it('parses join, rejoin and input', () => {
    assert.deepEqual(parseClientMessage('{"type":"join","name":"ann"}'), { type: 'join', name: 'ann' });
    assert.deepEqual(parseClientMessage('{"type":"join","token":"t"}'), { type: 'join', token: 't' });
    assert.deepEqual(parseClientMessage('{"type":"input","seq":1,"dx":5,"dy":-1}'), { type: 'input', seq: 1, dx: 5, dy: -1 });
  });

  it('classifies bad messages', () => {
    assert.equal((parseClientMessage('{') as { error: string }).error, 'malformed');
    assert.equal((parseClientMessage('[1]') as { error: string }).error, 'malformed');
    assert.equal((parseClientMessage('null') as { error: string }).error, 'malformed');
    assert.equal((parseClientMessage('{"type":"input","seq":1,"dx":"1","dy":0}') as { error: string }).error, 'malformed');
    assert.equal((parseClientMessage('{"type":"join","name":5}') as { error: string }).error, 'malformed');
    assert.equal((parseClientMessage('{"type":"fly"}') as { error: string }).error, 'unknown-type');
    assert.equal((parseClientMessage('{"kind":"join"}') as { error: string }).error, 'malformed');
    assert.equal(CLOSE.malformed, 4000);
  });
});

describe('shared memory', () => {
  it('two World objects over one buffer are one world', () => {
    const config = gameConfig({ arenaW: 500, arenaH: 500, maxPlayers: 10 });
    const buffer = new SharedArrayBuffer(World.byteLength(config));
    const here = new World(config, { now: 0, buffer });
    const there = new World(config, { now: 99, buffer });
    const ann = here.join('ann').player!;
    assert.equal(there.size, 1);
    assert.equal(there.get(ann.id)?.name, 'ann');
    assert.equal(there.time, 0, 'joining memory already set up keeps its state');
    there.input(ann.id, 1, 1, 0);
    here.step(100);
    assert.equal(there.tick, 1);
    assert.equal(there.get(ann.id)!.x, ann.x);
    assert.equal(there.rejoin(ann.token, 100)?.id, ann.id);
    assert.ok(JSON.parse(encodeState(there).toString()).players[0].name === 'ann');
    assert.throws(() => new World(config, { now: 0, buffer: new ArrayBuffer(8) }), RangeError);
  });
});
