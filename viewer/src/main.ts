// The viewer page: connects to the server's WebSocket, draws each frame, wires the controls, reconnects when cut off.
import type { SceneSpec, Vec } from '../../world/sim.ts';
import type { ClientMessage, Frame, HelloMessage, ServerMessage, ViewerProbe } from '../protocol.ts';
import { CostPanel } from './costs.ts';
import './style.css';
import { COLORS, WorldView } from './world-view.ts';

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`viewer page is missing #${id}`);
  return el as T;
};

const hex = (c: number): string => `#${c.toString(16).padStart(6, '0')}`;
/** Reconnect delays grow to this many milliseconds. */
const MAX_RETRY_MS = 5000;
/** Points kept per agent in the live trail. */
const MAX_TRAIL = 2000;

const view = new WorldView();
const costs = new CostPanel($('bars'), $('history'), $('surprise'));
const canvas = await view.init($('stage'));

let socket: WebSocket | null = null;
let hello: HelloMessage | null = null;
let scene: SceneSpec | null = null;
let last: Frame | null = null;
let trail: Vec[][] = [];
let pending = false;
let retryMs = 500;
let scrubbing = false;

const probe: ViewerProbe = {
  connected: false,
  hello: null,
  frames: 0,
  last: null,
  drawnIndex: -1,
  paused: false,
  worldToScreen: (x, y) => {
    const rect = canvas.getBoundingClientRect();
    const c = view.toCanvas(x, y);
    return { x: rect.left + c.x, y: rect.top + c.y };
  },
  colors: { agent: hex(COLORS.agent), goal: hex(COLORS.goal) },
};
(window as unknown as { __viewer: ViewerProbe }).__viewer = probe;

function send(message: ClientMessage): void {
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

function showMessage(text: string): void {
  $('message').textContent = text;
}

/** Extends the path taken: a seek brings its own trail, a new episode or a step back starts a fresh one. */
function updateTrail(frame: Frame): void {
  if (frame.trail) trail = frame.trail.map((path) => [...path]);
  else if (!last || last.episode !== frame.episode || frame.step < last.step) trail = frame.agents.map(() => []);
  frame.agents.forEach((a, i) => {
    const path = (trail[i] ??= []);
    const end = path.at(-1);
    if (!end || end.x !== a.x || end.y !== a.y) path.push({ x: a.x, y: a.y });
    if (path.length > MAX_TRAIL) path.shift();
  });
}

function onFrame(frame: Frame): void {
  updateTrail(frame);
  if (frame.costHistory) {
    costs.clear();
    for (const h of frame.costHistory) costs.push(h.index, h.costs);
  } else {
    if (last && frame.index < last.index) costs.clear();
    costs.push(frame.index, frame.costs);
  }
  last = frame;
  probe.last = frame;
  probe.frames++;
  const badge = $('badge');
  badge.hidden = !frame.overlay?.badge;
  badge.textContent = frame.overlay?.badge ?? '';
  badge.classList.toggle('mode2', frame.overlay?.badge === 'Mode-2');
  $('position').textContent = hello?.mode === 'replay' ? `tick ${frame.index + 1} / ${hello.ticks}` : `step ${frame.step}`;
  if (hello?.mode === 'replay' && !scrubbing) ($('scrub') as HTMLInputElement).value = String(frame.index);
  if (frame.success) showMessage('');
  pending = true;
}

function onMessage(message: ServerMessage): void {
  switch (message.type) {
    case 'hello': {
      hello = message;
      probe.hello = message;
      view.setWorld(message);
      costs.clear();
      last = null;
      const replay = message.mode === 'replay';
      $('title').textContent = `${replay ? 'replay' : 'live'} · ${message.sim} · ${message.agent}`;
      for (const el of document.querySelectorAll<HTMLElement>('.replay-only')) el.hidden = !replay;
      for (const el of document.querySelectorAll<HTMLElement>('.live-only')) el.hidden = replay;
      ($('scrub') as HTMLInputElement).max = String(Math.max(0, (message.ticks ?? 1) - 1));
      break;
    }
    case 'scene':
      scene = message.scene;
      $('episode').textContent = `episode ${message.episode} · seed ${message.seed}`;
      ($('seed') as HTMLInputElement).placeholder = `next: ${message.seed + 1}`;
      break;
    case 'frame':
      onFrame(message.frame);
      break;
    case 'status':
      probe.paused = message.paused;
      $('pause').textContent = message.paused ? 'Play' : 'Pause';
      ($('speed') as HTMLSelectElement).value = String(message.speed);
      break;
    case 'error':
      showMessage(message.message);
      break;
  }
}

function connect(): void {
  const url = new URL('ws', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(url);
  socket = ws;
  ws.onopen = () => {
    retryMs = 500;
    probe.connected = true;
    $('banner').hidden = true;
    showMessage('');
  };
  ws.onmessage = (event) => onMessage(JSON.parse(String(event.data)) as ServerMessage);
  ws.onclose = () => {
    probe.connected = false;
    const banner = $('banner');
    banner.hidden = false;
    banner.textContent = `Lost the connection to the viewer server (is \`autonomy view\` still running?). Reconnecting in ${(retryMs / 1000).toFixed(1)} s…`;
    setTimeout(connect, retryMs);
    retryMs = Math.min(MAX_RETRY_MS, retryMs * 2);
  };
}

$('pause').addEventListener('click', () => send({ type: 'pause', paused: !probe.paused }));
$('step').addEventListener('click', () => send({ type: 'step' }));
$('speed').addEventListener('change', (e) => send({ type: 'speed', speed: Number((e.target as HTMLSelectElement).value) }));
$('restart').addEventListener('click', () => {
  const seed = $('seed') as HTMLInputElement;
  const text = seed.value.trim();
  send(text === '' || hello?.mode === 'replay' ? { type: 'restart' } : { type: 'restart', seed: Number(text) });
  seed.value = '';
});
const scrub = $('scrub') as HTMLInputElement;
scrub.addEventListener('pointerdown', () => (scrubbing = true));
scrub.addEventListener('pointerup', () => (scrubbing = false));
scrub.addEventListener('input', () => send({ type: 'seek', index: Number(scrub.value) }));
canvas.addEventListener('pointerdown', (e) => {
  if (hello?.mode !== 'live') return;
  const rect = canvas.getBoundingClientRect();
  const at = view.toWorld(e.clientX - rect.left, e.clientY - rect.top);
  const { width, height } = hello.arena;
  if (at.x >= 0 && at.x <= width && at.y >= 0 && at.y <= height) send({ type: 'goal', agent: 0, x: at.x, y: at.y });
});

/** Draws the newest frame once per animation frame, however many arrived. */
function animate(): void {
  if (pending && last) {
    pending = false;
    view.draw(scene, last, trail);
    probe.drawnIndex = last.index;
  }
  requestAnimationFrame(animate);
}
setInterval(() => costs.render(), 150);
window.addEventListener('resize', () => (pending = true));
requestAnimationFrame(animate);
connect();
