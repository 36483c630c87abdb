// The viewer server stays bounded: slow readers are cut off, tabs are capped, closed tabs return their tensors, seeks read an index, bad sources fail before listening.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { initBackend } from '../../agent/tensor/backend.ts';
import { getSim } from '../../sims/index.ts';
import type { Recording, RecordingRecord, TickRecord } from '../../world/recording.ts';
import type { ServerMessage } from '../../viewer/protocol.ts';
import { thin } from '../../viewer/server/frames.ts';
import { MAX_TRAIL, ReplaySession } from '../../viewer/server/replay.ts';
import { startViewer, type ViewerServer } from '../../viewer/server/server.ts';
import { connect, isType, makeRecording } from './helpers.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

function assets(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autonomy-limits-'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>page</title>');
  return dir;
}

/** Polls until `done` holds; fails after `timeoutMs` saying what was awaited. */
async function until(what: string, done: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`still waiting for ${what} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('viewer server limits', () => {
  it('cuts off a tab that keeps asking for frames but never reads them', async () => {
    const { recording, file } = makeRecording('two-rooms', 2, 1);
    const ticks = recording.records.filter((r) => r.type === 'tick').length;
    const viewer = await startViewer({ source: { kind: 'replay', file, recording, agentRadius: 10 }, assets: assets() });
    try {
      const socket = new WebSocket(viewer.url.replace('http', 'ws') + 'ws');
      await new Promise((resolve) => socket.once('open', resolve));
      await until('the session', () => viewer.sessions === 1);
      // The client stops reading; every seek answers with a whole frame (trail and cost history included).
      (socket as unknown as { _socket: { pause(): void } })._socket.pause();
      let sent = 0;
      while (viewer.sessions > 0 && sent < 200_000) {
        for (let i = 0; i < 200; i++) socket.send(JSON.stringify({ type: 'seek', index: (sent + i) % ticks }));
        sent += 200;
        await new Promise((r) => setImmediate(r));
      }
      await until('the slow tab to be dropped', () => viewer.sessions === 0);
      socket.terminate();
    } finally {
      await viewer.close();
    }
  });

  it('serves at most maxSessions tabs, telling one more why it is closed', async () => {
    const viewer = await startViewer({ source: { kind: 'live', sim: getSim('reach'), agent: 'scripted', seed: 0 }, assets: assets(), maxSessions: 2 });
    try {
      const a = await connect(viewer.url);
      const b = await connect(viewer.url);
      await until('two sessions', () => viewer.sessions === 2);
      const socket = new WebSocket(viewer.url.replace('http', 'ws') + 'ws');
      const messages: ServerMessage[] = [];
      socket.on('message', (data) => messages.push(JSON.parse(String(data)) as ServerMessage));
      const code = await new Promise<number>((resolve) => socket.once('close', (c) => resolve(c)));
      expect(code).toBe(1013);
      expect(messages).toEqual([{ type: 'error', message: 'this viewer serves at most 2 tabs at once; close another tab, then reload this one' }]);
      expect(viewer.sessions).toBe(2);
      await a.close();
      await until('a free place', () => viewer.sessions === 1);
      const c = await connect(viewer.url);
      await c.waitFor(isType('frame'));
      await b.close();
      await c.close();
    } finally {
      await viewer.close();
    }
  });

  it('returns every tensor of a closed Mode-2 tab, and its memory: 16 tabs opened and closed leave RSS where 2 left it', async () => {
    const viewer: ViewerServer = await startViewer({ source: { kind: 'live', sim: getSim('reach'), agent: 'mode2', seed: 0 }, assets: assets() });
    try {
      const before = tf.memory().numTensors;
      let rssAfterFirst = 0;
      for (let round = 0; round < 8; round++) {
        const tabs = await Promise.all([connect(viewer.url), connect(viewer.url)]);
        for (const tab of tabs) await tab.waitFor((m): m is Extract<ServerMessage, { type: 'frame' }> => m.type === 'frame' && m.frame.index >= 2, 0, 30_000);
        expect(tf.memory().numTensors).toBeGreaterThan(before);
        await Promise.all(tabs.map((t) => t.close()));
        await until('the tabs to close', () => viewer.sessions === 0);
        expect(tf.memory().numTensors).toBe(before);
        if (round === 0) rssAfterFirst = process.memoryUsage().rss;
      }
      // A closed tab that kept its agent (about 13 MB each) would add some 200 MB over the next 14; the heap's own
      // growth and the allocator's caches stay well under 100 MB.
      expect(process.memoryUsage().rss - rssAfterFirst).toBeLessThan(100e6);
    } finally {
      await viewer.close();
    }
  });

  it('loads a live source\'s checkpoint before listening, so a bad one is an error there and not in each tab', async () => {
    await expect(startViewer({ source: { kind: 'live', sim: getSim('reach'), agent: 'mode1', seed: 0, checkpoint: '/nonexistent/ckpt' }, assets: assets() })).rejects.toThrow(
      "'/nonexistent/ckpt' is not a checkpoint folder: it does not exist",
    );
  });
});

describe('replay seeks', () => {
  it('read the trail from an index: a seek to the end of a long episode touches one tick record, and the trail is the thinned path', () => {
    const length = 20_000;
    let reads = 0;
    const path = Array.from({ length }, (_, i) => ({ x: i % 400, y: Math.floor(i / 400) }));
    const records: RecordingRecord[] = [{ type: 'episode', episode: 0, seed: 0, scene: { walls: [], agents: [], goals: [], blocks: [], targets: [], food: [], meta: {} } }];
    for (let i = 0; i < length; i++) {
      const agents = [{ ...path[i]!, angle: 0 }];
      const tick = { type: 'tick', episode: 0, step: i + 1, blocks: [], food: [], goals: [], actions: [[0, 0]], success: false } as Omit<TickRecord, 'agents'>;
      Object.defineProperty(tick, 'agents', { enumerable: true, get: () => (reads++, agents) });
      records.push(tick as TickRecord);
    }
    const recording: Recording = { header: { format: 'autonomy-recording', version: 1, sim: 'reach', seed: 0, config: {}, arena: { width: 400, height: 400 }, createdAt: '' }, records, truncated: false, end: null };
    const sent: ServerMessage[] = [];
    const session = new ReplaySession({ kind: 'replay', file: "'long'", recording, agentRadius: 10 }, { send: (m) => sent.push(m), congested: () => false });
    session.start();
    session.handle({ type: 'pause', paused: true });
    reads = 0;
    session.handle({ type: 'seek', index: length - 1 });
    session.dispose();
    expect(reads).toBeLessThanOrEqual(2);
    const frame = sent.filter(isType('frame')).at(-1)!.frame;
    expect(frame.index).toBe(length - 1);
    expect(frame.trail).toEqual([thin(path, MAX_TRAIL)]);
  });
});
