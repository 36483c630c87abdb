// Helpers for the viewer tests: a WebSocket client that collects server messages, and a small recording on disk.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { getSim } from '../../sims/index.ts';
import { RecordingWriter, readRecording, type Recording } from '../../world/recording.ts';
import { runEpisodes } from '../../world/episodes.ts';
import { scriptedPolicy } from '../../world/exploration.ts';
import type { ClientMessage, ServerMessage } from '../../viewer/protocol.ts';

export interface TestClient {
  messages: ServerMessage[];
  send(message: ClientMessage | string): void;
  /** Resolves with the first message (from `from` on) that passes the test; rejects after `timeoutMs`. */
  waitFor<T extends ServerMessage>(test: (m: ServerMessage) => m is T, from?: number, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

export async function connect(url: string): Promise<TestClient> {
  const socket = new WebSocket(url.replace(/^http/, 'ws') + 'ws');
  const messages: ServerMessage[] = [];
  socket.on('message', (data) => messages.push(JSON.parse(String(data)) as ServerMessage));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    messages,
    send: (message) => socket.send(typeof message === 'string' ? message : JSON.stringify(message)),
    waitFor: async <T extends ServerMessage>(test: (m: ServerMessage) => m is T, from = 0, timeoutMs = 5000): Promise<T> => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.slice(from).find(test);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching message within ${timeoutMs} ms; last: ${JSON.stringify(messages.at(-1))}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.close();
      }),
  };
}

export const isType =
  <K extends ServerMessage['type']>(type: K) =>
  (m: ServerMessage): m is Extract<ServerMessage, { type: K }> =>
    m.type === type;

/** Records `episodes` scripted episodes of `sim` to a temporary file and reads it back. */
export function makeRecording(simName: string, episodes: number, seed: number): { file: string; recording: Recording } {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'autonomy-viewer-')), `${simName}.jsonl`);
  const sim = getSim(simName);
  const recorder = RecordingWriter.open(file, { sim: sim.name, seed, arena: sim.arena, config: { agent: 'scripted', episodes } });
  runEpisodes({ sim, policy: scriptedPolicy, episodes, seed, recorder });
  recorder.close();
  return { file, recording: readRecording(file) };
}
