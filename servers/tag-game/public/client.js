// The tag game's browser client: joins over a WebSocket at /ws, sends the direction of the keys (arrows/WASD)
// or of a drag on the screen, and draws the state the server sends 20 times a second, about 100 ms behind
// the server, interpolated between the two states around that moment so movement looks smooth. After a
// dropped connection it rejoins with its token (the server keeps the player for a grace period).
// window.tagGame exposes the client's view of the game (tests read it).

const RENDER_DELAY_MS = 100;
const INPUT_EVERY_MS = 100; // at most this often, and again now and then while a direction is held
const canvas = document.getElementById('arena');
const ctx = canvas.getContext('2d');
const form = document.getElementById('join');
const nameInput = document.getElementById('name');
const hud = document.getElementById('hud');
const statusLine = document.getElementById('status');
const eventLine = document.getElementById('event');
const scoresList = document.getElementById('scores');
const connectionLine = document.getElementById('connection');

const game = {
  id: null,
  token: sessionStorage.getItem('tag.token'),
  arena: { w: 1000, h: 1000 },
  tickHz: 20,
  it: null,
  /** The last states received: { time (server ms), tick, it, players: Map id -> player }. */
  states: [],
  /** Tags seen: { tick, tagger, tagged, taggerName, taggedName }. */
  tags: [],
  /** Server clock minus ours, smoothed. */
  offset: null,
  connected: false,
  closes: [],
};
window.tagGame = game;

let socket = null;
let seq = 0;
let direction = { dx: 0, dy: 0 };
let sentDirection = { dx: 0, dy: 0 };
let lastSent = 0;
let retryMs = 250;
let leaving = false;

form.addEventListener('submit', (event) => {
  event.preventDefault();
  game.token = null;
  sessionStorage.removeItem('tag.token');
  connect({ type: 'join', name: nameInput.value });
});

if (game.token !== null) connect({ type: 'join', token: game.token });

function connect(hello) {
  const url = new URL('/ws', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(url);
  socket = ws;
  ws.addEventListener('open', () => {
    ws.send(JSON.stringify(hello));
    showConnection(null);
  });
  ws.addEventListener('message', (event) => onMessage(JSON.parse(event.data)));
  ws.addEventListener('close', (event) => {
    if (socket !== ws) return;
    game.connected = false;
    game.closes.push(event.code);
    if (leaving) return;
    // Refusals that a retry cannot fix: back to the form.
    if ([4000, 4001, 4003, 4004, 4005].includes(event.code)) {
      sessionStorage.removeItem('tag.token');
      game.token = null;
      showConnection(`closed by the server (${event.code} ${event.reason})`);
      form.hidden = false;
      return;
    }
    if (game.token === null) {
      form.hidden = false;
      showConnection('could not connect');
      return;
    }
    showConnection('connection lost, reconnecting...');
    setTimeout(() => connect({ type: 'join', token: game.token }), retryMs);
    retryMs = Math.min(retryMs * 2, 4000);
  });
}

function onMessage(message) {
  if (message.type === 'welcome') {
    game.id = message.id;
    game.token = message.token;
    sessionStorage.setItem('tag.token', message.token);
    game.arena = message.arena;
    game.tickHz = message.tickHz;
    game.connected = true;
    game.states = [];
    retryMs = 250;
    form.hidden = true;
    hud.hidden = false;
    sendInput(true);
    return;
  }
  if (message.type !== 'state' || game.id === null) return;
  const players = new Map();
  for (const p of message.players) players.set(p.id, p);
  const previous = game.states[game.states.length - 1];
  // "it" changed and the old "it" is still here: a tag (not "it" leaving).
  if (previous !== undefined && message.it !== previous.it && previous.it !== null && message.it !== null && players.has(previous.it)) {
    const tagger = previous.players.get(previous.it) ?? players.get(previous.it);
    const tagged = players.get(message.it) ?? previous.players.get(message.it);
    const tag = { tick: message.tick, tagger: previous.it, tagged: message.it, taggerName: tagger?.name ?? '?', taggedName: tagged?.name ?? '?' };
    game.tags.push(tag);
    eventLine.textContent = `${tag.taggerName} tagged ${tag.taggedName}!`;
  }
  game.it = message.it;
  const sample = message.time - performance.now();
  // The largest offset seen is the one least delayed by the network; drift is followed slowly.
  game.offset = game.offset === null || sample > game.offset ? sample : game.offset + (sample - game.offset) * 0.02;
  game.states.push({ time: message.time, tick: message.tick, it: message.it, players });
  if (game.states.length > 40) game.states.shift();
  updateHud(message);
}

function updateHud(state) {
  const itPlayer = state.players.find((p) => p.id === state.it);
  statusLine.textContent = state.it === game.id ? 'You are it!' : `${itPlayer?.name ?? 'someone'} is it`;
  document.body.dataset.it = state.it ?? '';
  const sorted = [...state.players].sort((a, b) => b.score - a.score).slice(0, 8);
  scoresList.replaceChildren(...sorted.map((p) => {
    const li = document.createElement('li');
    li.textContent = `${p.name}: ${p.score}`;
    if (p.id === game.id) li.className = 'me';
    return li;
  }));
}

function showConnection(text) {
  connectionLine.hidden = text === null;
  connectionLine.textContent = text ?? '';
}

// Input: keys and touch both set `direction`; it is sent when it changes, at most every INPUT_EVERY_MS.
const keys = new Set();
const KEY_DIRECTIONS = {
  ArrowLeft: [-1, 0], KeyA: [-1, 0], ArrowRight: [1, 0], KeyD: [1, 0],
  ArrowUp: [0, -1], KeyW: [0, -1], ArrowDown: [0, 1], KeyS: [0, 1],
};
addEventListener('keydown', (event) => {
  if (!(event.code in KEY_DIRECTIONS) || !form.hidden) return;
  event.preventDefault();
  keys.add(event.code);
  directionFromKeys();
});
addEventListener('keyup', (event) => {
  if (!keys.delete(event.code)) return;
  directionFromKeys();
});
addEventListener('blur', () => {
  keys.clear();
  directionFromKeys();
});
function directionFromKeys() {
  let dx = 0;
  let dy = 0;
  for (const code of keys) {
    dx += KEY_DIRECTIONS[code][0];
    dy += KEY_DIRECTIONS[code][1];
  }
  setDirection(Math.sign(dx), Math.sign(dy));
}

// Touch (or mouse drag): the direction from where the finger went down to where it is, like a virtual stick.
let stick = null;
canvas.addEventListener('pointerdown', (event) => {
  stick = { x: event.clientX, y: event.clientY, id: event.pointerId };
  canvas.setPointerCapture(event.pointerId);
});
canvas.addEventListener('pointermove', (event) => {
  if (stick === null || event.pointerId !== stick.id) return;
  const dx = event.clientX - stick.x;
  const dy = event.clientY - stick.y;
  const length = Math.hypot(dx, dy);
  if (length < 12) setDirection(0, 0);
  else setDirection(dx / Math.max(length, 60), dy / Math.max(length, 60));
});
const release = (event) => {
  if (stick === null || event.pointerId !== stick.id) return;
  stick = null;
  setDirection(0, 0);
};
canvas.addEventListener('pointerup', release);
canvas.addEventListener('pointercancel', release);

function setDirection(dx, dy) {
  direction = { dx: round(dx), dy: round(dy) };
  sendInput(false);
}

function sendInput(force) {
  if (socket === null || socket.readyState !== WebSocket.OPEN || !game.connected) return;
  const now = performance.now();
  const changed = direction.dx !== sentDirection.dx || direction.dy !== sentDirection.dy;
  if (!force && !changed) return;
  if (!force && now - lastSent < INPUT_EVERY_MS) return; // the timer below sends it
  socket.send(JSON.stringify({ type: 'input', seq: ++seq, dx: direction.dx, dy: direction.dy }));
  sentDirection = direction;
  lastSent = now;
}
// Catches changes held back by the rate above, and tells the server now and then that we are here.
setInterval(() => {
  const changed = direction.dx !== sentDirection.dx || direction.dy !== sentDirection.dy;
  if (changed || performance.now() - lastSent > 5_000) sendInput(true);
}, INPUT_EVERY_MS);

addEventListener('pagehide', () => {
  leaving = true;
  socket?.close(1000, 'left');
});

function round(v) {
  return Math.round(v * 1000) / 1000;
}

// Drawing: the world as it was RENDER_DELAY_MS ago, positions interpolated between the two states around it.
function frame() {
  requestAnimationFrame(frame);
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  const dpr = devicePixelRatio || 1;
  if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
  }
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = '#14171c';
  ctx.fillRect(0, 0, width, height);
  const players = interpolated();
  if (players === null) return;
  const me = players.get(game.id);
  // Camera: on me, or the arena's middle; the whole arena fits when it is small enough.
  const scale = Math.min(1, Math.max(width / game.arena.w, height / game.arena.h, 0.5));
  const cx = me?.x ?? game.arena.w / 2;
  const cy = me?.y ?? game.arena.h / 2;
  ctx.translate(width / 2, height / 2);
  ctx.scale(scale, scale);
  ctx.translate(-cx, -cy);
  ctx.fillStyle = '#1b2028';
  ctx.fillRect(0, 0, game.arena.w, game.arena.h);
  ctx.strokeStyle = '#2a313c';
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let x = 0; x <= game.arena.w; x += 100) { ctx.moveTo(x, 0); ctx.lineTo(x, game.arena.h); }
  for (let y = 0; y <= game.arena.h; y += 100) { ctx.moveTo(0, y); ctx.lineTo(game.arena.w, y); }
  ctx.stroke();
  ctx.strokeStyle = '#566';
  ctx.lineWidth = 4;
  ctx.strokeRect(0, 0, game.arena.w, game.arena.h);
  ctx.font = '13px system-ui, sans-serif';
  ctx.textAlign = 'center';
  for (const p of players.values()) {
    const isIt = p.id === game.it;
    ctx.beginPath();
    ctx.arc(p.x, p.y, 14, 0, Math.PI * 2);
    ctx.fillStyle = isIt ? '#e5484d' : p.id === game.id ? '#3e63dd' : '#8b8d98';
    ctx.fill();
    if (p.id === game.id) {
      ctx.lineWidth = 3;
      ctx.strokeStyle = '#fff';
      ctx.stroke();
    }
    ctx.fillStyle = '#e8eaed';
    ctx.fillText(`${p.name} (${p.score})`, p.x, p.y - 20);
  }
}
requestAnimationFrame(frame);

function interpolated() {
  const states = game.states;
  if (states.length === 0 || game.offset === null) return null;
  const renderTime = performance.now() + game.offset - RENDER_DELAY_MS;
  let older = states[0];
  let newer = states[0];
  for (let i = states.length - 1; i >= 0; i--) {
    if (states[i].time <= renderTime) {
      older = states[i];
      newer = states[Math.min(i + 1, states.length - 1)];
      break;
    }
  }
  if (older === newer) return older.players;
  const t = Math.min(1, Math.max(0, (renderTime - older.time) / (newer.time - older.time)));
  const out = new Map();
  for (const [id, p] of newer.players) {
    const before = older.players.get(id);
    out.set(id, before === undefined ? p : { ...p, x: before.x + (p.x - before.x) * t, y: before.y + (p.y - before.y) * t });
  }
  return out;
}
