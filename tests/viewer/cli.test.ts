// `autonomy view` as a user runs it: prints a 127.0.0.1 URL that serves the page (built on first use), and clear errors.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { makeRecording } from './helpers.ts';

const bin = path.resolve('bin/autonomy.js');
const env = { ...process.env, AUTONOMY_BACKEND: 'cpu' };

/** Starts `autonomy view …`, waits for the URL it prints, fetches the page, then stops the server. */
async function viewPage(...args: string[]): Promise<{ url: string; html: string; stdout: string }> {
  const child = spawn('node', [bin, 'view', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += String(c)));
  child.stderr.on('data', (c: Buffer) => (stderr += String(c)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const match = /autonomy viewer: (http:\/\/\S+)/.exec(stdout);
        if (match) {
          clearInterval(timer);
          resolve(match[1]!);
        }
      }, 50);
      child.once('exit', (code) => {
        clearInterval(timer);
        reject(new Error(`autonomy view exited with ${code} before printing a URL: ${stderr}`));
      });
    });
    const html = await (await fetch(url)).text();
    return { url, html, stdout };
  } finally {
    child.kill('SIGINT');
    await new Promise((r) => child.once('exit', r));
  }
}

describe('autonomy view', () => {
  it('serves the live page on 127.0.0.1', async () => {
    const { url, html, stdout } = await viewPage('reach', '--seed', '4');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(html).toContain('<title>autonomy viewer</title>');
    expect(stdout).toContain('live: reach with the scripted agent, seed 4');
  });

  it('serves a recording', async () => {
    const { file } = makeRecording('two-rooms', 1, 2);
    const { stdout } = await viewPage(file);
    expect(stdout).toContain(`replay: ${file}`);
  });

  it('refuses a missing recording, an unknown sim and a bad port with what is allowed', async () => {
    const run = promisify(execFile);
    const fail = async (...args: string[]): Promise<string> => {
      try {
        await run('node', [bin, 'view', ...args], { env });
      } catch (e) {
        const err = e as { code: number; stderr: string };
        expect(err.code).toBe(1);
        return err.stderr;
      }
      throw new Error(`autonomy view ${args.join(' ')} succeeded`);
    };
    expect(await fail('runs/missing.jsonl')).toMatch(/recording 'runs\/missing.jsonl' does not exist; make one with `autonomy run <sim> --record/);
    expect(await fail('nowhere')).toMatch(/unknown sim 'nowhere'/);
    expect(await fail('reach', '--port', '70000')).toMatch(/expected a port number in \[0, 65535\]/);
  });

  it('checks a recording record by record and a checkpoint before serving, naming the line or the folder', async () => {
    const { file } = makeRecording('reach', 1, 0);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines[3] = JSON.stringify({ ...(JSON.parse(lines[3]!) as object), agents: 'nowhere' });
    const bad = path.join(path.dirname(file), 'bad.jsonl');
    fs.writeFileSync(bad, lines.join('\n'));
    const view = (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
      promisify(execFile)('node', [bin, 'view', ...args], { env }).then((r) => ({ code: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => e);
    const replay = await view(bad);
    expect(replay.code).toBe(1);
    expect(replay.stdout).toBe('');
    expect(replay.stderr.trim()).toMatch(new RegExp(`^autonomy: error: '${bad.replaceAll('.', '\\.')}' line 4 is damaged: a tick record with agents: `));
    const live = await view('reach', '--agent', 'mode1', '--checkpoint', 'no/such/checkpoint');
    expect(live.code).toBe(1);
    expect(live.stdout).toBe('');
    expect(live.stderr.trim()).toBe("autonomy: error: 'no/such/checkpoint' is not a checkpoint folder: it does not exist");
  });

  it('says in one line that a busy port is busy, with no stack trace or source, and exits 1', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      for (const target of ['reach', makeRecording('reach', 1, 0).file]) {
        const result = await promisify(execFile)('node', [bin, 'view', target, '--port', String(port)], { env }).then(
          () => ({ code: 0, stderr: '' }),
          (e: { code: number; stderr: string }) => e,
        );
        expect(result.code, target).toBe(1);
        expect(result.stderr.trim().split('\n'), target).toEqual([`autonomy: error: port ${port} is in use; pick another with --port N or omit it for a free one`]);
      }
    } finally {
      blocker.close();
    }
  });
});
