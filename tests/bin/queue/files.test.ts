// A queued job's files: references under the shared folder or the package resolve on any machine, absolute paths stay as they are, and fingerprints change with the contents.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprint, fromReference, NoArtifactsError, toReference } from '../../../bin/queue/files.ts';

describe('file references', () => {
  const packageRoot = path.resolve('.');

  it('names a file under the shared folder relative to it, one inside the package relative to the package, and any other by its absolute path', () => {
    const here = { artifacts: '/mnt/shared', packageRoot };
    expect(toReference('/mnt/shared/sweeps/a/checkpoint', here)).toBe('@artifacts/sweeps/a/checkpoint');
    expect(toReference(path.join(packageRoot, 'sims/checkpoints/reach'), here)).toBe('@package/sims/checkpoints/reach');
    expect(toReference('/home/me/cost.ts', here)).toBe('/home/me/cost.ts');
    expect(toReference('/mnt/shared-not/x', here)).toBe('/mnt/shared-not/x');
  });

  it('resolves references against the worker\'s own mount and installation', () => {
    const worker = { artifacts: '/data/autonomy', packageRoot: '/opt/autonomy' };
    expect(fromReference('@artifacts/sweeps/a/checkpoint', worker)).toBe('/data/autonomy/sweeps/a/checkpoint');
    expect(fromReference('@package/sims/checkpoints/reach', worker)).toBe('/opt/autonomy/sims/checkpoints/reach');
    expect(fromReference('/home/me/cost.ts', worker)).toBe('/home/me/cost.ts');
    expect(() => fromReference('@artifacts/x', { packageRoot: '/opt/autonomy' })).toThrow(NoArtifactsError);
    expect(() => fromReference('@artifacts/x', { packageRoot: '/opt/autonomy' })).toThrow(/reads or writes '@artifacts\/x' in the shared folder, and this worker was started without --artifacts DIR/);
  });
});

describe('fingerprint', () => {
  it('hashes a file, or a folder\'s files by name and content; another content or another name gives another fingerprint', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autonomy-fingerprint-'));
    fs.writeFileSync(path.join(dir, 'weights.bin'), 'abc');
    fs.writeFileSync(path.join(dir, 'checkpoint.json'), '{}');
    const folder = fingerprint(dir)!;
    const file = fingerprint(path.join(dir, 'weights.bin'))!;
    expect(folder).toMatch(/^[0-9a-f]{32}$/);
    expect(fingerprint(dir)).toBe(folder);
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'autonomy-fingerprint-'));
    fs.cpSync(dir, copy, { recursive: true });
    expect(fingerprint(copy)).toBe(folder);
    fs.writeFileSync(path.join(copy, 'weights.bin'), 'abd');
    expect(fingerprint(copy)).not.toBe(folder);
    fs.renameSync(path.join(copy, 'weights.bin'), path.join(copy, 'other.bin'));
    fs.writeFileSync(path.join(copy, 'other.bin'), 'abc');
    expect(fingerprint(copy)).not.toBe(folder);
    expect(file).not.toBe(folder);
    expect(fingerprint(path.join(dir, 'missing'))).toBeNull();
  });
});
