// Real-browser tests of the viewer: Debian Chromium (headless, SwiftShader WebGL) driven by playwright-core, checked by pixels.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../agent/tensor/backend.ts';
import { getSim } from '../../sims/index.ts';
import type { Vec } from '../../world/sim.ts';
import type { Frame, ViewerProbe } from '../../viewer/protocol.ts';
import { ensureViewerBuilt } from '../../viewer/server/build.ts';
import { startViewer, type ViewerOptions, type ViewerServer } from '../../viewer/server/server.ts';
import { makeRecording } from './helpers.ts';
import { decodePng, matches, pixelAt, type Image } from './png.ts';

/** Debian's Chromium; .ci/run installs it when missing. Never a downloaded browser. */
const CHROMIUM = '/usr/bin/chromium';
/** CI (.ci/run sets this) must run these tests: there a missing browser fails them instead of skipping them. */
const REQUIRED = process.env.AUTONOMY_BROWSER_TESTS === 'required';
/** On a machine without the browser (Node alone), the tests are skipped, and say so loudly. */
const SKIP = !fs.existsSync(CHROMIUM) && !REQUIRED;
if (SKIP) {
  console.warn(
    `\n*** SKIPPED: the viewer's browser tests (tests/viewer/browser.test.ts) need Debian's Chromium at ${CHROMIUM}, which this machine lacks.\n` +
      '*** Install it with `apt-get install -y chromium` to run them; CI (.ci/run) installs it and always runs them.\n',
  );
}
/** What a sandboxed root needs, and WebGL through SwiftShader (no --disable-software-rasterizer: it removes WebGL). */
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--enable-unsafe-swiftshader',
  '--headless=new',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
/** Where the run's screenshot is saved (its path is printed). */
const SCREENSHOT = path.join(os.tmpdir(), 'autonomy-viewer-live.png');
const REPLAY_SCREENSHOT = path.join(os.tmpdir(), 'autonomy-viewer-replay.png');
/** World y of the imagined path written into the test recording: below where reach puts agents and goals. */
const IMAGINED_Y = 385;

let browser: Browser;
let assets: string;

beforeAll(async () => {
  if (SKIP) return;
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`the browser tests need Debian's Chromium at ${CHROMIUM}; install it with \`apt-get install -y chromium\` (.ci/run does this)`);
  }
  await initBackend('cpu');
  assets = await ensureViewerBuilt();
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

const live = (seed: number): ViewerOptions['source'] => ({ kind: 'live', sim: getSim('reach'), agent: 'scripted', seed });

async function openPage(viewer: ViewerServer): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 700 }, deviceScaleFactor: 1 });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(viewer.url);
  await page.waitForFunction(() => ((globalThis as unknown as { __viewer?: ViewerProbe }).__viewer?.frames ?? 0) > 0, null, { timeout: 20_000 }).catch((e: Error) => {
    throw new Error(`${e.message}; page errors: ${errors.join(' | ') || 'none'}`);
  });
  return page;
}

/** The page's probe, as plain data (functions are dropped). */
const probe = (page: Page): Promise<Omit<ViewerProbe, 'worldToScreen'>> =>
  page.evaluate(() => {
    const { worldToScreen: _, ...data } = (globalThis as unknown as { __viewer: ViewerProbe }).__viewer;
    return JSON.parse(JSON.stringify(data)) as Omit<ViewerProbe, 'worldToScreen'>;
  });

const toScreen = (page: Page, at: Vec): Promise<Vec> =>
  page.evaluate(([x, y]) => (globalThis as unknown as { __viewer: ViewerProbe }).__viewer.worldToScreen(x!, y!), [at.x, at.y]);

/** Waits until the page has drawn its latest frame and the compositor has shown it, then returns that frame. */
async function settled(page: Page): Promise<Frame> {
  await page.waitForFunction(() => {
    const v = (globalThis as unknown as { __viewer: ViewerProbe }).__viewer;
    return v.last !== null && v.drawnIndex === v.last.index;
  });
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
  return (await probe(page)).last!;
}

async function screenshot(page: Page, file?: string): Promise<Image> {
  const png = await page.screenshot(file ? { path: file } : {});
  return decodePng(png);
}

/** Asserts the colour at a world point's screen position, and that the same colour is absent `away` pixels off. */
async function expectDrawnAt(page: Page, image: Image, at: Vec, color: string, what: string): Promise<void> {
  const s = await toScreen(page, at);
  const rgb = pixelAt(image, s.x, s.y);
  expect(matches(rgb, color), `${what} at world (${at.x}, ${at.y}) → screen (${s.x.toFixed(1)}, ${s.y.toFixed(1)}) is rgb(${rgb}); expected ${color}`).toBe(true);
}

const setPaused = async (page: Page, paused: boolean): Promise<void> => {
  if ((await probe(page)).paused !== paused) await page.click('#pause');
  await page.waitForFunction((want) => (globalThis as unknown as { __viewer: ViewerProbe }).__viewer.paused === want, paused);
};

describe.skipIf(SKIP)('viewer in Chromium', () => {
  it('draws the agent and the goal where the stream says, and the moved goal pulls the scripted agent', async () => {
    const viewer = await startViewer({ source: live(3), assets });
    const page = await openPage(viewer);
    try {
      await page.waitForFunction(() => ((globalThis as unknown as { __viewer: ViewerProbe }).__viewer.last?.step ?? 0) >= 10);
      await setPaused(page, true);
      const frame = await settled(page);
      const image = await screenshot(page, SCREENSHOT);
      console.log(`viewer screenshot (live reach, scripted agent, seed 3, paused at step ${frame.step}): ${SCREENSHOT}`);
      const { colors } = await probe(page);
      const agent = frame.agents[0]!;
      const goal = frame.goals[0]!;
      await expectDrawnAt(page, image, agent, colors.agent, 'agent');
      await expectDrawnAt(page, image, goal, colors.goal, 'goal');
      // Not everything is magenta: a point 40 px off the agent (away from the goal) is not drawn in the agent's colour.
      const off = await toScreen(page, { x: agent.x + (agent.x > 200 ? -40 : 40), y: agent.y });
      expect(matches(pixelAt(image, off.x, off.y), colors.agent)).toBe(false);
      expect(await page.locator('#bars .bar').count()).toBe(2);

      // Click the far side of the arena: the goal moves there (and is drawn there), and stepping takes the agent toward it.
      const target = { x: agent.x > 200 ? 60 : 340, y: agent.y > 200 ? 60 : 340 };
      const click = await toScreen(page, target);
      await page.mouse.click(click.x, click.y);
      await page.waitForFunction(
        ([x, y]) => {
          const g = (globalThis as unknown as { __viewer: ViewerProbe }).__viewer.last?.goals[0];
          return g !== undefined && Math.abs(g.x - x!) < 2 && Math.abs(g.y - y!) < 2;
        },
        [target.x, target.y],
      );
      const moved = await settled(page);
      await expectDrawnAt(page, await screenshot(page), moved.goals[0]!, colors.goal, 'moved goal');
      const before = Math.hypot(moved.agents[0]!.x - moved.goals[0]!.x, moved.agents[0]!.y - moved.goals[0]!.y);
      for (let i = 0; i < 30; i++) await page.click('#step');
      await page.waitForFunction((index) => (globalThis as unknown as { __viewer: ViewerProbe }).__viewer.last!.index >= index, moved.index + 30);
      const after = (await probe(page)).last!;
      expect(after.episode).toBe(moved.episode);
      expect(after.goals[0]).toEqual(moved.goals[0]);
      const distance = Math.hypot(after.agents[0]!.x - after.goals[0]!.x, after.agents[0]!.y - after.goals[0]!.y);
      expect(distance).toBeLessThan(before - 20);
    } finally {
      await page.close();
      await viewer.close();
    }
  });

  it('replays a recording and scrubs to any tick, with its overlay, badge and surprise', async () => {
    const { recording, file } = makeRecording('reach', 2, 5);
    const ticks = recording.records.filter((r) => r.type === 'tick');
    // What a Mode-2 agent with a world model will record: an imagined path, the mode badge and its surprise.
    ticks.forEach((t, i) => {
      t.overlay = { badge: 'Mode-2', lines: [{ points: [50, IMAGINED_Y, 350, IMAGINED_Y], label: 'imagined', color: '#00e5ff' }] };
      t.costs = { 'goal-distance': 1 / (1 + i), surprise: 0.5 + 0.4 * Math.sin(i / 5) };
    });
    const viewer = await startViewer({ source: { kind: 'replay', file, recording, agentRadius: getSim('reach').body.radius }, assets });
    const page = await openPage(viewer);
    try {
      await setPaused(page, true);
      expect(await page.locator('#scrub').getAttribute('max')).toBe(String(ticks.length - 1));
      const colors = (await probe(page)).colors;
      for (const index of [ticks.length - 5, 7]) {
        await page.locator('#scrub').fill(String(index));
        await page.waitForFunction((i) => (globalThis as unknown as { __viewer: ViewerProbe }).__viewer.last?.index === i, index);
        const frame = await settled(page);
        expect(frame.agents).toEqual(ticks[index]!.agents);
        const image = await screenshot(page);
        await expectDrawnAt(page, image, frame.agents[0]!, colors.agent, `recorded agent at tick ${index}`);
        await expectDrawnAt(page, image, frame.goals[0]!, colors.goal, `recorded goal at tick ${index}`);
        expect(await page.locator('#position').textContent()).toBe(`tick ${index + 1} / ${ticks.length}`);
        const line = await toScreen(page, { x: 200, y: IMAGINED_Y });
        expect(matches(pixelAt(image, line.x, line.y), '#00e5ff'), `imagined line at rgb(${pixelAt(image, line.x, line.y)})`).toBe(true);
      }
      expect(await page.locator('#badge').textContent()).toBe('Mode-2');
      // After the seek to tick 7 the charts hold ticks 0 … 7 of the recording: their series are drawn, in the palette's colours.
      await page.waitForSelector('#surprise .uplot canvas');
      await page.waitForTimeout(400);
      const drawn = async (selector: string, color: string): Promise<number> => {
        const chart = decodePng(await page.locator(selector).screenshot());
        let count = 0;
        for (let y = 0; y < chart.height; y++) for (let x = 0; x < chart.width; x++) if (matches(pixelAt(chart, x, y), color, 30)) count++;
        return count;
      };
      expect(await drawn('#history .u-over', '#ffb020')).toBeGreaterThan(20);
      expect(await drawn('#history .u-over', '#00e5ff')).toBeGreaterThan(20);
      expect(await drawn('#surprise .u-over', '#ffb020')).toBeGreaterThan(20);
      expect(await page.locator('#bars .bar').count()).toBe(2);
      await screenshot(page, REPLAY_SCREENSHOT);
      console.log(`viewer screenshot (replay of reach, scrubbed to tick 8, with an imagined line, badge and surprise): ${REPLAY_SCREENSHOT}`);
    } finally {
      await page.close();
      await viewer.close();
    }
  });

  it('shows the Mode-1 badge, the cost bars and the surprise of the shipped learning agent', async () => {
    const viewer = await startViewer({ source: { kind: 'live', sim: getSim('reach'), agent: 'mode1', seed: 0 }, assets });
    const page = await openPage(viewer);
    try {
      await page.waitForSelector('#badge:not([hidden])');
      expect(await page.locator('#badge').textContent()).toBe('Mode-1');
      await page.waitForFunction("document.querySelectorAll('#bars .bar').length === 4");
      expect(await page.locator('#bars .bar > span:first-child').allTextContents()).toEqual(['energy', 'goal-distance', 'surprise', 'total']);
      // The world model's imagined future arrives as an overlay line of 16 points.
      const imagined = (await probe(page)).last?.overlay?.lines?.find((l) => l.label === 'imagined');
      expect(imagined?.points).toHaveLength(32);
    } finally {
      await page.close();
      await viewer.close();
    }
  });

  it('says when the server goes away, and reconnects when it is back', async () => {
    const first = await startViewer({ source: live(1), assets });
    const page = await openPage(first);
    try {
      await first.close();
      await page.waitForSelector('#banner:not([hidden])');
      expect(await page.locator('#banner').textContent()).toMatch(/Lost the connection to the viewer server.*Reconnecting/);
      const second = await startViewer({ source: live(1), assets, port: first.port });
      try {
        await page.waitForSelector('#banner', { state: 'hidden', timeout: 10_000 });
        const frames = (await probe(page)).frames;
        await page.waitForFunction((n) => (globalThis as unknown as { __viewer: ViewerProbe }).__viewer.frames > n + 5, frames);
        expect((await probe(page)).connected).toBe(true);
      } finally {
        await second.close();
      }
    } finally {
      await page.close();
    }
  });
});
