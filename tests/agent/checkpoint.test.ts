// Checkpoints: loaded back to identical outputs and memory; saves never destroy a user's files and survive a kill at any point.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Agent } from '../../agent/agent.ts';
import { loadAgent, saveAgent } from '../../agent/agent-checkpoint.ts';
import { checkCheckpointTarget, loadCheckpoint, saveCheckpoint } from '../../agent/checkpoint.ts';
import { ShortTermMemory } from '../../agent/memory/short-term-memory.ts';
import { agentPolicy } from '../../agent/episode-policy.ts';
import { initBackend } from '../../agent/tensor/backend.ts';
import { getSim } from '../../sims/index.ts';
import { Env } from '../../world/env.ts';
import { runEpisodes } from '../../world/episodes.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

const sim = getSim('two-rooms');
const layout = new Env(sim).observationLayout;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autonomy-ckpt-'));

describe('agent checkpoints', () => {
  it('load back to identical outputs, config and memory', () => {
    const agent = new Agent({ layout, suggestedCosts: sim.suggestedCosts, config: { seed: 4, perception: { latent: 16 }, memory: { capacity: 300 } } });
    runEpisodes({ sim, policy: agentPolicy([agent]), episodes: 2, seed: 1 });
    const target = path.join(dir, 'a');
    saveAgent(target, agent, sim.name);
    const loaded = loadAgent(target, { layout, suggestedCosts: sim.suggestedCosts }, sim.name);
    expect(loaded.config).toEqual(agent.config);
    const obs = new Env(sim).reset({ seed: 9 }).observations[0]!;
    expect(loaded.perception.encode(obs)).toEqual(agent.perception.encode(obs));
    expect(loaded.tick(obs)).toEqual(agent.tick(obs));
    expect(loaded.memory.latest(300)).toEqual(agent.memory.latest(300));
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    agent.dispose();
    loaded.dispose();
  });

  it('leaves the previous checkpoint intact when a save fails', () => {
    const target = path.join(dir, 'b');
    const agent = new Agent({ layout, suggestedCosts: sim.suggestedCosts, config: { seed: 1 } });
    saveAgent(target, agent, sim.name);
    const before = fs.readFileSync(path.join(target, 'weights.bin'));
    const broken = agent.namedVariables();
    broken.push(broken[0]!); // a duplicate name makes the save fail midway
    agent.namedVariables = () => broken;
    expect(() => saveAgent(target, agent, sim.name)).toThrow(/two tensors named/);
    expect(fs.readFileSync(path.join(target, 'weights.bin'))).toEqual(before);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    agent.dispose();
  });

  it('refuses a folder that is not a checkpoint, or one made for another sim', () => {
    expect(() => loadAgent(dir, { layout, suggestedCosts: sim.suggestedCosts }, sim.name)).toThrow(/not a checkpoint folder: checkpoint.json is missing/);
    const reach = getSim('reach');
    expect(() => loadAgent(path.join(dir, 'b'), { layout: new Env(reach).observationLayout, suggestedCosts: reach.suggestedCosts }, 'reach')).toThrow(/made for sim 'two-rooms', not 'reach'/);
  });
});

describe('damaged checkpoints', () => {
  /** A small checkpoint with memory, damaged by `damage`; returns the load error's message. */
  const loadDamaged = (damage: (folder: string) => void): string => {
    const folder = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'autonomy-damaged-')), 'ckpt');
    const w = tf.variable(tf.tensor([1, 2, 3]));
    const memory = new ShortTermMemory({ capacity: 4, observationSize: 2, stateSize: 1, actionSize: 1, costNames: ['c'] });
    saveCheckpoint(folder, { kind: 'test' }, [['w', w]], memory);
    w.dispose();
    damage(folder);
    try {
      loadCheckpoint(folder);
    } catch (e) {
      return (e as Error).message.replaceAll(folder, 'CKPT');
    }
    throw new Error('the damaged checkpoint loaded');
  };
  const manifestOf = (folder: string): Record<string, unknown> => JSON.parse(fs.readFileSync(path.join(folder, 'checkpoint.json'), 'utf8')) as Record<string, unknown>;
  const writeManifest = (folder: string, manifest: unknown): void => fs.writeFileSync(path.join(folder, 'checkpoint.json'), JSON.stringify(manifest));

  it.each([
    ['an empty checkpoint.json', (f: string) => fs.writeFileSync(path.join(f, 'checkpoint.json'), ''), "'CKPT/checkpoint.json' is damaged: it is not valid JSON (it is empty); train again, or restore the folder from a copy"],
    ['a cut checkpoint.json', (f: string) => fs.writeFileSync(path.join(f, 'checkpoint.json'), '{"format": "autonomy-checkpoint", "ver'), "'CKPT/checkpoint.json' is damaged: it is not valid JSON (cut short or edited)"],
    ['a manifest of the wrong shape', (f: string) => writeManifest(f, { ...manifestOf(f), tensors: [{ name: 'w', shape: 'three', offset: 0 }] }), "'CKPT/checkpoint.json' is damaged: tensors.0.shape: "],
    ['a manifest of another format', (f: string) => writeManifest(f, { format: 'keras' }), "'CKPT' is not an autonomy checkpoint: checkpoint.json has format \"keras\", expected 'autonomy-checkpoint'"],
    ['an odd-length weights.bin', (f: string) => fs.appendFileSync(path.join(f, 'weights.bin'), Buffer.from([1])), "'CKPT/weights.bin' is damaged: its 13 bytes are not a whole number of 4-byte floats (cut short?)"],
    ['a short weights.bin', (f: string) => fs.truncateSync(path.join(f, 'weights.bin'), 8), "'CKPT/weights.bin' is damaged: it is cut short at tensor 'w' (2 floats, the manifest needs 3)"],
    ['a missing weights.bin', (f: string) => fs.unlinkSync(path.join(f, 'weights.bin')), "'CKPT' is a damaged checkpoint: weights.bin is missing"],
    ['a missing memory.bin', (f: string) => fs.unlinkSync(path.join(f, 'memory.bin')), "'CKPT' is a damaged checkpoint: memory.bin is missing"],
    ['NaN weights', (f: string) => fs.writeFileSync(path.join(f, 'weights.bin'), Buffer.from(new Float32Array([Number.NaN, Number.NaN, Number.NaN]).buffer)), "'CKPT/weights.bin' is damaged: tensor 'w' holds NaN or infinite values (a run that diverged?); train again or use an earlier checkpoint"],
    ['a weights.bin that is a folder', (f: string) => { fs.unlinkSync(path.join(f, 'weights.bin')); fs.mkdirSync(path.join(f, 'weights.bin')); }, "cannot read 'CKPT/weights.bin': it is a folder, not a file"],
  ])('%s: the error names the file and what is wrong, in words', (_, damage, message) => {
    const text = loadDamaged(damage);
    expect(text).toContain(message);
    expect(text).not.toMatch(/Unexpected|JSON input|ENOENT|EISDIR|errno/);
  });
});

// The writer on its own: a checkpoint whose every part (meta, tensor, memory, extra file) carries its version number.
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'autonomy-writer-'));
let cases = 0;
/** A new empty parent folder for one case. */
const parentFolder = (): string => fs.mkdtempSync(path.join(work, `case-${cases++}-`));
let notes: string[] = [];
const notify = (m: string): void => {
  notes.push(m);
};
afterEach(() => {
  notes = [];
});

function save(dir: string, version: number): void {
  const w = tf.variable(tf.fill([3, 2], version));
  const memory = new ShortTermMemory({ capacity: 4, observationSize: 2, stateSize: 1, actionSize: 1, costNames: ['c'] });
  memory.record({ observation: Float32Array.of(version, -version), state: Float32Array.of(1), action: Float32Array.of(0), costs: Float32Array.of(version), episode: 0, step: 0, done: false });
  try {
    saveCheckpoint(dir, { version }, [['w', w]], memory, { 'metrics.jsonl': `version ${version}\n` }, { notify });
  } finally {
    w.dispose();
  }
}

/** Loads the checkpoint at dir, checks that all its parts come from one save, and returns that save's version. */
function versionAt(dir: string): number {
  const c = loadCheckpoint(dir, { notify });
  const version = c.manifest.meta.version as number;
  expect(Array.from(c.tensors.get('w')!.values)).toEqual(new Array(6).fill(version));
  expect(c.memory!.latest(1).observations).toEqual(Float32Array.of(version, -version));
  expect(fs.readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8')).toBe(`version ${version}\n`);
  return version;
}

/** Every file under a folder (relative paths) with its contents, to show nothing was touched. */
function snapshot(folder: string): Record<string, string> {
  return Object.fromEntries(
    (fs.readdirSync(folder, { recursive: true }) as string[])
      .filter((f) => fs.statSync(path.join(folder, f)).isFile())
      .map((f) => [f, fs.readFileSync(path.join(folder, f), 'utf8')]),
  );
}

/** The filesystem calls that change something; a killed process makes none after its death. */
const CHANGES = ['mkdirSync', 'mkdtempSync', 'openSync', 'writeFileSync', 'writeSync', 'renameSync', 'rmSync', 'unlinkSync', 'rmdirSync'] as const;
class Killed extends Error {}

/**
 * Runs fn as a process killed just before its filesystem change number `at` (counting from 1) would: that change and
 * every later one never happen. @returns how many changes fn attempted
 */
function killedAt(at: number, fn: () => void): number {
  let calls = 0;
  const spies = CHANGES.map((name) => {
    const original = fs[name] as (...args: unknown[]) => unknown;
    return vi.spyOn(fs, name).mockImplementation(((...args: unknown[]) => {
      calls++;
      if (calls >= at) throw new Killed(`killed before filesystem change ${at}`);
      return original.apply(fs, args);
    }) as never);
  });
  try {
    fn();
  } catch (e) {
    if (!(e instanceof Killed)) throw e;
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return calls;
}

/** Runs fn killed just before its first filesystem change of a path matching `file` (given as the first argument). */
function killedBefore(file: RegExp, fn: () => void): void {
  let dead = false;
  const spies = CHANGES.map((name) => {
    const original = fs[name] as (...args: unknown[]) => unknown;
    return vi.spyOn(fs, name).mockImplementation(((...args: unknown[]) => {
      if (dead || file.test(String(args[0]))) {
        dead = true;
        throw new Killed(`killed before ${name}(${String(args[0])})`);
      }
      return original.apply(fs, args);
    }) as never);
  });
  try {
    fn();
  } catch (e) {
    if (!(e instanceof Killed)) throw e;
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  expect(dead).toBe(true);
}

describe('the checkpoint writer', () => {
  it('refuses a file, a folder that is not a checkpoint, and a checkpoint holding other files, touching nothing', () => {
    const parent = parentFolder();
    const file = path.join(parent, 'notes.txt');
    fs.writeFileSync(file, 'mine');
    expect(() => save(file, 1)).toThrow(`'${file}' is a file, not a checkpoint folder; saving there would destroy it, so choose an empty or new folder, or an existing checkpoint folder`);
    expect(() => save(path.join(file, 'sub'), 1)).toThrow(/'.*notes.txt' is a file, not a folder; choose an empty or new folder/);
    expect(fs.readFileSync(file, 'utf8')).toBe('mine');

    const mine = path.join(parent, 'mine');
    fs.mkdirSync(path.join(mine, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(mine, 'notes.txt'), 'x');
    fs.writeFileSync(path.join(mine, 'sub', 'deep.txt'), 'y');
    expect(() => save(mine, 1)).toThrow(`'${mine}' is a folder that is not an autonomy checkpoint and is not empty (it holds 'notes.txt', 'sub'); a save replaces its folder, so choose an empty or new folder, or an existing checkpoint folder`);
    expect(snapshot(mine)).toEqual({ 'notes.txt': 'x', [path.join('sub', 'deep.txt')]: 'y' });

    const run = path.join(parent, 'run');
    save(run, 1);
    fs.writeFileSync(path.join(run, 'README.md'), 'my notes on this run');
    const before = snapshot(run);
    expect(() => save(run, 2)).toThrow(/holds a checkpoint and also 'README.md', which a save would delete; move it out, or choose an empty or new folder/);
    expect(snapshot(run)).toEqual(before);

    fs.symlinkSync(mine, path.join(parent, 'link'));
    expect(() => save(path.join(parent, 'link'), 1)).toThrow(/'.*link' is a symbolic link; give the folder it points to/);
    expect(snapshot(mine)).toEqual({ 'notes.txt': 'x', [path.join('sub', 'deep.txt')]: 'y' });
    expect(fs.readdirSync(parent).sort()).toEqual(['link', 'mine', 'notes.txt', 'run']);
  });

  it('refuses the working folder and every folder that contains it', () => {
    for (const dir of [process.cwd(), '.', '..', path.parse(process.cwd()).root]) {
      expect(() => checkCheckpointTarget(dir)).toThrow(/is the working folder or contains it .*; a save replaces its folder, so choose an empty or new folder, or an existing checkpoint folder/);
    }
  });

  it('saves into a new path, an empty folder, or over a checkpoint, again and again', () => {
    const parent = parentFolder();
    const nested = path.join(parent, 'a', 'b', 'run');
    save(nested, 1);
    expect(versionAt(nested)).toBe(1);
    const empty = path.join(parent, 'empty');
    fs.mkdirSync(empty);
    save(empty, 1);
    expect(versionAt(empty)).toBe(1);
    for (const v of [2, 3, 4]) save(empty, v);
    expect(versionAt(empty)).toBe(4);
    expect(fs.readdirSync(parent).sort()).toEqual(['a', 'empty']);
    expect(notes).toEqual([]);
  });

  it('replaces a checkpoint written before extra files were listed, when this save writes the same files', () => {
    const dir = path.join(parentFolder(), 'legacy');
    save(dir, 1);
    const file = path.join(dir, 'checkpoint.json');
    const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    delete manifest.files;
    fs.writeFileSync(file, JSON.stringify(manifest));
    save(dir, 2);
    expect(versionAt(dir)).toBe(2);
  });

  it.each([
    ['over a checkpoint', (dir: string) => save(dir, 1)],
    ['into an empty folder', (dir: string) => fs.mkdirSync(dir)],
    ['into a new path', () => {}],
  ])('killed at any filesystem change of a save %s, leaves a checkpoint that loads (old or new) or none before the first, and the next save cleans up', (_, before) => {
    const probe = path.join(parentFolder(), 'run');
    before(probe);
    const hadOld = fs.existsSync(path.join(probe, 'checkpoint.json'));
    const changes = killedAt(Infinity, () => save(probe, 2));
    expect(changes).toBeGreaterThan(8);
    const seen = new Set<number>();
    for (let at = 1; at <= changes; at++) {
      const parent = parentFolder();
      const dir = path.join(parent, 'run');
      before(dir);
      killedAt(at, () => save(dir, 2));
      if (fs.existsSync(dir) || fs.readdirSync(parent).length > 0) {
        let version: number | undefined;
        try {
          version = versionAt(dir);
        } catch (e) {
          // Only a save that never had a checkpoint may leave none, and then it says so.
          expect(hadOld, `killed at change ${at}: ${(e as Error).message}`).toBe(false);
          expect((e as Error).message).toMatch(/is not a checkpoint folder/);
        }
        if (version !== undefined) {
          expect([hadOld ? 1 : 2, 2], `killed at change ${at}`).toContain(version);
          seen.add(version);
        }
      }
      save(dir, 3);
      expect(versionAt(dir)).toBe(3);
      expect(fs.readdirSync(parent), `killed at change ${at}`).toEqual(['run']);
    }
    // The kills landed both before and after the new checkpoint was in place.
    expect([...seen].sort()).toEqual(hadOld ? [1, 2] : [2]);
  });

  it('puts the newly saved checkpoint back when a save was killed between its two renames, and says so', () => {
    const parent = parentFolder();
    const dir = path.join(parent, 'run');
    save(dir, 1);
    killedBefore(/\.run\.tmp-[A-Za-z0-9]{6}$/, () => save(dir, 2));
    expect(fs.existsSync(dir)).toBe(false);
    expect(fs.readdirSync(parent).sort()).toEqual([expect.stringMatching(/^\.run\.tmp-[A-Za-z0-9]{6}$/), expect.stringMatching(/^\.run\.tmp-[A-Za-z0-9]{6}\.old$/)]);
    expect(versionAt(dir)).toBe(2);
    expect(notes).toEqual([expect.stringMatching(/^'.*run' was missing after an interrupted save; restored the newly saved checkpoint from '\.run\.tmp-[A-Za-z0-9]{6}'$/)]);
    save(dir, 3);
    expect(notes.at(-1)).toMatch(/^removed '\.run\.tmp-[A-Za-z0-9]{6}\.old', left next to '.*run' by an interrupted save$/);
    expect(fs.readdirSync(parent)).toEqual(['run']);
  });

  it('puts the old checkpoint back and removes its temporary folder when the last rename fails', () => {
    const parent = parentFolder();
    const dir = path.join(parent, 'run');
    save(dir, 1);
    const rename = fs.renameSync;
    const spy = vi.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
      if (/\.run\.tmp-[A-Za-z0-9]{6}$/.test(String(from))) throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' });
      rename(from, to);
    });
    try {
      expect(() => save(dir, 2)).toThrow(/EIO/);
    } finally {
      spy.mockRestore();
    }
    expect(fs.readdirSync(parent)).toEqual(['run']);
    expect(versionAt(dir)).toBe(1);
    expect(notes).toEqual([]);
  });

  it('names what a save killed while writing left behind, when no checkpoint can be recovered', () => {
    const parent = parentFolder();
    const dir = path.join(parent, 'run');
    killedBefore(/weights\.bin$/, () => save(dir, 1));
    expect(() => loadCheckpoint(dir, { notify })).toThrow(/^'.*run' is not a checkpoint folder: it does not exist, and '\.run\.tmp-[A-Za-z0-9]{6}' next to it is what is left of a save that was killed before it finished \(no complete checkpoint to recover\); train again$/);
  });

  it('removes the leftovers of killed saves to the same folder on the next save, and nothing else', () => {
    const parent = parentFolder();
    const dir = path.join(parent, 'run');
    save(dir, 1);
    killedBefore(/metrics\.jsonl$/, () => save(dir, 2)); // killed while writing
    expect(versionAt(dir)).toBe(1);
    expect(fs.readdirSync(parent).sort()).toEqual([expect.stringMatching(/^\.run\.tmp-[A-Za-z0-9]{6}$/), 'run']);
    // Folders with the writer's naming that it did not make, and folders of another target, are left alone.
    const foreign = {
      '.run.tmp-user01': { 'notes.txt': 'mine' },
      '.run.tmp-user02': { [path.join('sub', 'a.txt')]: 'mine' },
      '.run.tmp-toolong1': { '.partial': 'autonomy-checkpoint' },
      '.other.tmp-abc123': { '.partial': 'autonomy-checkpoint' },
    };
    for (const [name, files] of Object.entries(foreign)) {
      for (const [f, contents] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(parent, name, f)), { recursive: true });
        fs.writeFileSync(path.join(parent, name, f), contents);
      }
    }
    save(dir, 4);
    expect(versionAt(dir)).toBe(4);
    expect(fs.readdirSync(parent).sort()).toEqual(['.other.tmp-abc123', '.run.tmp-toolong1', '.run.tmp-user01', '.run.tmp-user02', 'run']);
    for (const [name, files] of Object.entries(foreign)) expect(snapshot(path.join(parent, name))).toEqual(files);
    expect(notes).toEqual([expect.stringMatching(/^removed '\.run\.tmp-[A-Za-z0-9]{6}', left next to '.*run' by an interrupted save$/)]);
  });
});
