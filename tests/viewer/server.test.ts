// Viewer server tests: message validation, static files that never escape the asset folder, independent tabs, replay.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as tf from '@tensorflow/tfjs';
import { defineIntrinsicCost } from '../../agent/cost/index.ts';
import { initBackend } from '../../agent/tensor/backend.ts';
import { getSim } from '../../sims/index.ts';
import { Env } from '../../world/env.ts';
import { parseClientMessage, startViewer, type ViewerServer } from '../../viewer/server/server.ts';
import { resolveAsset } from '../../viewer/server/static.ts';
import { connect, isType, makeRecording } from './helpers.ts';

/** A GET with the path sent exactly as written (no client-side normalisation of `..`). */
function rawGet(port: number, rawPath: string, method = 'GET'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: rawPath, method }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += String(c)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** An asset folder with a page, and a secret file next to it that must never be served. */
function assetFolder(): string {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'autonomy-assets-'));
  const assets = path.join(base, 'dist');
  fs.mkdirSync(path.join(assets, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(assets, 'index.html'), '<!doctype html><title>page</title>');
  fs.writeFileSync(path.join(assets, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(base, 'secret.txt'), 'secret');
  fs.symlinkSync(path.join(base, 'secret.txt'), path.join(assets, 'link.txt'));
  return assets;
}

describe('page messages', () => {
  const parse = (value: unknown, binary = false): ReturnType<typeof parseClientMessage> =>
    parseClientMessage(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)), binary);

  it('accepts each well-formed message', () => {
    expect(parse({ type: 'pause', paused: true })).toEqual({ type: 'pause', paused: true });
    expect(parse({ type: 'step' })).toEqual({ type: 'step' });
    expect(parse({ type: 'speed', speed: 2 })).toEqual({ type: 'speed', speed: 2 });
    expect(parse({ type: 'restart' })).toEqual({ type: 'restart' });
    expect(parse({ type: 'restart', seed: 9 })).toEqual({ type: 'restart', seed: 9 });
    expect(parse({ type: 'goal', x: 10, y: 20 })).toEqual({ type: 'goal', agent: 0, x: 10, y: 20 });
    expect(parse({ type: 'seek', index: 3 })).toEqual({ type: 'seek', index: 3 });
  });

  it('answers anything else with an error that says what is expected', () => {
    expect(parse('not json')).toMatch(/not JSON/);
    expect(parse({ type: 'pause', paused: true }, true)).toMatch(/binary/);
    for (const bad of [
      { type: 'explode' },
      { type: 'pause' },
      { type: 'pause', paused: 'yes' },
      { type: 'speed', speed: 1000 },
      { type: 'restart', seed: -1 },
      { type: 'restart', seed: 1.5 },
      { type: 'goal', x: 'left', y: 0 },
      { type: 'seek', index: -2 },
      { type: 'step', extra: 1 },
      [1, 2],
      null,
    ]) {
      const result = parse(bad);
      expect(typeof result, JSON.stringify(bad)).toBe('string');
      expect(result).toMatch(/malformed message .*expected one of/);
    }
  });
});

describe('static files', () => {
  const assets = assetFolder();

  it('resolves files inside the folder and nothing outside it', () => {
    expect(resolveAsset(assets, '/')).toBe(fs.realpathSync(path.join(assets, 'index.html')));
    expect(resolveAsset(assets, '/assets/app.js?v=1')).toBe(fs.realpathSync(path.join(assets, 'assets', 'app.js')));
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/%2E%2E%2Fsecret.txt', '/..%2fsecret.txt', '/assets/../../secret.txt', '/..\\secret.txt', '/%00', '/link.txt', '/assets', '/missing', '/%E0%A4%A']) {
      expect(resolveAsset(assets, p), p).toBeNull();
    }
  });

  it('serves the page and answers traversal attempts with 404 over HTTP', async () => {
    const viewer = await startViewer({ source: { kind: 'replay', file: 'test', recording: makeRecording('reach', 1, 0).recording, agentRadius: 10 }, assets });
    try {
      expect((await rawGet(viewer.port, '/')).body).toContain('<title>page</title>');
      for (const p of ['/../package.json', '/%2e%2e/package.json', '/%2e%2e%2fsecret.txt', '/../secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt']) {
        const { status, body } = await rawGet(viewer.port, p);
        expect(status, p).toBe(404);
        expect(body).not.toContain('secret');
      }
      expect((await rawGet(viewer.port, '/', 'POST')).status).toBe(405);
    } finally {
      await viewer.close();
    }
  });
});

describe('live sessions', () => {
  let viewer: ViewerServer;
  beforeAll(async () => {
    await initBackend('cpu');
    viewer = await startViewer({ source: { kind: 'live', sim: getSim('reach'), agent: 'scripted', seed: 3 }, assets: assetFolder() });
  });
  afterAll(() => viewer.close());

  it('binds to 127.0.0.1 on a free port', () => {
    expect(viewer.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(viewer.port).toBeGreaterThan(0);
  });

  it('refuses WebSockets from other web origins', async () => {
    const socket = new WebSocket(viewer.url.replace('http', 'ws') + 'ws', { origin: 'http://example.com' });
    const status = await new Promise<number>((resolve) => socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(401);
  });

  it('answers malformed messages with an error and keeps the connection', async () => {
    const tab = await connect(viewer.url);
    await tab.waitFor(isType('frame'));
    let from = tab.messages.length;
    tab.send('{"type":');
    expect((await tab.waitFor(isType('error'), from)).message).toMatch(/not JSON/);
    from = tab.messages.length;
    tab.send({ type: 'seek', index: 1 });
    expect((await tab.waitFor(isType('error'), from)).message).toMatch(/replay only/);
    from = tab.messages.length;
    tab.send({ type: 'goal', x: 5000, y: 10 });
    expect((await tab.waitFor(isType('error'), from)).message).toMatch(/outside the arena; x must be in \[0, 400\]/);
    from = tab.messages.length;
    tab.send({ type: 'pause', paused: true });
    expect(await tab.waitFor(isType('status'), from)).toMatchObject({ paused: true });
    await tab.close();
  });

  it('gives each tab its own env and agent, and stops a closed tab’s stream', async () => {
    const a = await connect(viewer.url);
    const b = await connect(viewer.url);
    await a.waitFor(isType('frame'));
    await b.waitFor(isType('frame'));
    expect(viewer.sessions).toBeGreaterThanOrEqual(2);
    a.send({ type: 'pause', paused: true });
    await a.waitFor((m): m is Extract<typeof m, { type: 'status' }> => m.type === 'status' && m.paused);
    a.send({ type: 'restart', seed: 42 });
    const scene = await a.waitFor((m): m is Extract<typeof m, { type: 'scene' }> => m.type === 'scene' && m.seed === 42);
    expect(scene.episode).toBe(1);
    const pausedAt = a.messages.length;
    const bAt = b.messages.filter(isType('frame')).length;
    await new Promise((r) => setTimeout(r, 300));
    expect(a.messages.slice(pausedAt).filter(isType('frame'))).toHaveLength(0);
    expect(b.messages.filter(isType('frame')).length).toBeGreaterThan(bAt + 5);
    expect(b.messages.filter(isType('scene')).every((s) => s.seed !== 42)).toBe(true);

    const sessions = viewer.sessions;
    await b.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(viewer.sessions).toBe(sessions - 1);
    await a.close();
  });

  it('moves the goal on click and steps one tick at a time', async () => {
    const tab = await connect(viewer.url);
    tab.send({ type: 'pause', paused: true });
    await tab.waitFor((m): m is Extract<typeof m, { type: 'status' }> => m.type === 'status' && m.paused);
    let from = tab.messages.length;
    tab.send({ type: 'goal', x: 50, y: 60 });
    const moved = await tab.waitFor(isType('frame'), from);
    expect(moved.frame.goals[0]).toEqual({ x: 50, y: 60 });
    from = tab.messages.length;
    tab.send({ type: 'step' });
    const stepped = await tab.waitFor(isType('frame'), from);
    expect(stepped.frame.index).toBe(moved.frame.index + 1);
    expect(stepped.frame.goals[0]).toEqual({ x: 50, y: 60 });
    expect(stepped.frame.rays).toHaveLength(1);
    expect(stepped.frame.rays![0]).toHaveLength(16);
    expect(Object.keys(stepped.frame.costs ?? {}).sort()).toEqual(['energy', 'goal-distance']);
    await tab.close();
  });
});

describe('a live session with a plug-in cost', () => {
  it('draws the plug-in\'s bar with the sim\'s: its value is in every frame\'s costs', async () => {
    await initBackend('cpu');
    const low = defineIntrinsicCost({ name: 'stay-low', description: 'Height above the centre line.', reads: ['agent.y'], cost: ({ f }) => tf.relu(tf.neg(f['agent.y']!)) });
    const viewer = await startViewer({ source: { kind: 'live', sim: getSim('reach'), agent: 'scripted', seed: 3, extraCosts: [low], weights: { 'stay-low': 2 } }, assets: assetFolder() });
    try {
      const tab = await connect(viewer.url);
      // The first frame is the reset, before any action has a cost; the next ones carry every cost.
      const priced = await tab.waitFor((m): m is Extract<typeof m, { type: 'frame' }> => m.type === 'frame' && m.frame.costs !== undefined);
      expect(Object.keys(priced.frame.costs!).sort()).toEqual(['energy', 'goal-distance', 'stay-low']);
      await tab.close();
    } finally {
      await viewer.close();
    }
  });
});

describe('replay sessions', () => {
  it('plays a recording and seeks anywhere in it with the path taken so far', async () => {
    const { recording, file } = makeRecording('reach', 2, 5);
    const ticks = recording.records.filter((r) => r.type === 'tick');
    const viewer = await startViewer({ source: { kind: 'replay', file, recording, agentRadius: 10 }, assets: assetFolder() });
    try {
      const tab = await connect(viewer.url);
      expect(await tab.waitFor(isType('hello'))).toMatchObject({ mode: 'replay', sim: 'reach', ticks: ticks.length });
      tab.send({ type: 'pause', paused: true });
      const target = ticks.length - 3;
      let from = tab.messages.length;
      tab.send({ type: 'seek', index: target });
      const { frame } = await tab.waitFor(isType('frame'), from);
      expect(frame.index).toBe(target);
      expect(frame.agents).toEqual(ticks[target]!.agents);
      expect(frame.episode).toBe(1);
      expect(frame.trail![0]!.at(-1)).toEqual({ x: ticks[target]!.agents[0]!.x, y: ticks[target]!.agents[0]!.y });
      expect(tab.messages.slice(from).some((m) => m.type === 'scene' && m.episode === 1)).toBe(true);
      expect(frame.costHistory).toEqual([]);
      from = tab.messages.length;
      tab.send({ type: 'seek', index: ticks.length });
      expect((await tab.waitFor(isType('error'), from)).message).toMatch(/past the end; this recording has ticks 0 … /);
      from = tab.messages.length;
      tab.send({ type: 'goal', x: 1, y: 1 });
      expect((await tab.waitFor(isType('error'), from)).message).toMatch(/cannot be changed/);
      await tab.close();
    } finally {
      await viewer.close();
    }
  });
});

describe('Env.setGoal', () => {
  it('moves the goal the sensor and the success test use', () => {
    const env = new Env(getSim('reach'));
    const { info } = env.reset({ seed: 1 });
    const agent = info.state.agents[0]!;
    env.setGoal(0, { x: agent.x + 1, y: agent.y });
    const r = env.step([Float32Array.of(0, 0)]);
    expect(r.terminated).toBe(true);
    expect(env.observationLayout.read(r.observations[0]!, 'goal.dx')[0]).toBeGreaterThan(0);
    expect(() => env.setGoal(1, { x: 0, y: 0 })).toThrow(/has agents 0 … 0/);
    expect(() => env.setGoal(0, { x: NaN, y: 0 })).toThrow(/must be finite/);
    const push = new Env(getSim('push'));
    push.reset({ seed: 1 });
    expect(() => push.setGoal(0, { x: 1, y: 1 })).toThrow(/goalOf/);
  });
});

describe('Node code paths', () => {
  it('never import pixi.js (it throws in Node 20)', () => {
    const files = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    for (const file of [...files('viewer/server'), 'viewer/protocol.ts', ...files('bin')]) {
      expect(fs.readFileSync(file, 'utf8'), file).not.toMatch(/from ['"]pixi\.js|import\(['"]pixi\.js/);
    }
  });
});
