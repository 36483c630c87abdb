// Push's contact cost: hand-computed path lengths to the best contact, rotation invariance, gradients, and push's own by name.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../../agent/agent.ts';
import { parseAgentConfig } from '../../../agent/config.ts';
import { costRegistry, loadCosts } from '../../../agent/cost/registry.ts';
import { initBackend } from '../../../agent/tensor/backend.ts';
import { getSim } from '../../../sims/index.ts';
import { pusherToContact } from '../../../sims/push/pusher-to-contact.ts';
import { Env } from '../../../world/env.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

/** Block and target seen from a pusher, all in pixels; the cost's features are these over 200 (angles over π). */
interface Scene {
  /** Pusher position in the block's frame. */
  pusher: { x: number; y: number };
  blockAngle: number;
  /** Block→target offset in the world frame, and target minus block angle. */
  target: { dx: number; dy: number; dangle: number };
}

function costOf(scenes: Scene[]): Float32Array {
  return tf.tidy(() => {
    const column = (read: (s: Scene) => number): tf.Tensor1D => tf.tensor1d(scenes.map(read));
    // Pusher→block in the world frame: minus the pusher's block-frame position, rotated by the block's angle.
    const world = (s: Scene): { x: number; y: number } => {
      const c = Math.cos(s.blockAngle);
      const n = Math.sin(s.blockAngle);
      return { x: -(c * s.pusher.x - n * s.pusher.y), y: -(n * s.pusher.x + c * s.pusher.y) };
    };
    const f = {
      'block.dx': column((s) => world(s).x / 200),
      'block.dy': column((s) => world(s).y / 200),
      'block.cos': column((s) => Math.cos(s.blockAngle)),
      'block.sin': column((s) => Math.sin(s.blockAngle)),
      'target.dx': column((s) => s.target.dx / 200),
      'target.dy': column((s) => s.target.dy / 200),
      'target.dangle': column((s) => s.target.dangle / Math.PI),
    };
    return pusherToContact.cost({ f, a: tf.zeros([scenes.length, 2]) as tf.Tensor2D }).dataSync() as Float32Array;
  });
}

/** Pusher distance from the T's centre that clears it at any angle: the stem's far corner (7.5, 39.64) plus radius 10 plus 6. */
const SAFE = Math.hypot(7.5, (2 * 60) / 7 + (3 * 60) / 8) + 10 + 6;

describe('pusher-to-contact', () => {
  it('is the radial distance to the best contact straight behind the block', () => {
    // Target 60 px to the right, angle right: the best pushes are along +x, from the left faces. The pusher sits on the
    // ray through the bar's left-face contact place (-40, -10.36), 1.5 times as far out: 0.5 × |(-40, -10.36)| to go.
    const place = { x: -40, y: (-3 * 60) / 14 + 2.5 };
    const pusher = { x: 1.5 * place.x, y: 1.5 * place.y };
    const expected = (0.5 * Math.hypot(place.x, place.y)) / 200;
    const target = (angle: number): Scene['target'] => ({ dx: 60 * Math.cos(angle), dy: 60 * Math.sin(angle), dangle: 0 });
    const [straight, rotated, atPlace] = costOf([
      { pusher, blockAngle: 0, target: target(0) },
      // The same scene turned by 2 rad: the block frame turns with it, so nothing changes.
      { pusher, blockAngle: 2, target: target(2) },
      { pusher: place, blockAngle: 0, target: target(0) },
    ]);
    expect(straight).toBeCloseTo(expected, 4);
    expect(rotated).toBeCloseTo(expected, 4);
    expect(atPlace).toBeCloseTo(0, 5);
  });

  it('turns the block the right way: the stem-end corner whose push gives the most torque, else around the block to the other', () => {
    // Only the angle is off. The largest torque arm is the stem's bottom corner pushed sideways: from (17.5, 39.64) for a
    // positive turn, from (-17.5, 39.64) for a negative one. From the first to the second: out to the safe circle, then
    // around it through the angle between the two rays.
    const place = { x: 7.5 + 10, y: (2 * 60) / 7 + (3 * 60) / 8 };
    const [positive, negative] = costOf([
      { pusher: place, blockAngle: 0.7, target: { dx: 0, dy: 0, dangle: 0.3 } },
      { pusher: place, blockAngle: 0.7, target: { dx: 0, dy: 0, dangle: -0.3 } },
    ]);
    const between = 2 * Math.atan2(place.x, place.y);
    expect(positive).toBeCloseTo(0, 5);
    expect(negative).toBeCloseTo((SAFE - Math.hypot(place.x, place.y) + between * SAFE) / 200, 3);
  });

  it('rotates by the direction of a predicted (cos, sin) that is off the unit circle', () => {
    const place = { x: 7.5 + 10, y: (2 * 60) / 7 + (3 * 60) / 8 };
    const [scaled] = tf.tidy(() => {
      const world = { x: -(Math.cos(0.7) * place.x - Math.sin(0.7) * place.y), y: -(Math.sin(0.7) * place.x + Math.cos(0.7) * place.y) };
      const f = {
        'block.dx': tf.tensor1d([world.x / 200]),
        'block.dy': tf.tensor1d([world.y / 200]),
        'block.cos': tf.tensor1d([0.6 * Math.cos(0.7)]),
        'block.sin': tf.tensor1d([0.6 * Math.sin(0.7)]),
        'target.dx': tf.tensor1d([0]),
        'target.dy': tf.tensor1d([0]),
        'target.dangle': tf.tensor1d([0.3 / Math.PI]),
      };
      return pusherToContact.cost({ f, a: tf.zeros([1, 2]) as tf.Tensor2D }).dataSync();
    });
    // The pusher sits on the best contact's place (as in the test above), so the cost is 0 only if the scale is ignored.
    expect(scaled).toBeCloseTo(0, 5);
  });

  it('has finite gradients, even for a predicted pusher on the block centre or a block with no angle', () => {
    const names = pusherToContact.reads;
    const x = tf.tensor2d([
      [0.2, 0.05, 1, 0, 0.3, 0, 0],
      [0, 0, 0.6, 0.8, 0.1, -0.2, 0.2],
      [0.2, 0.05, 0, 0, 0.3, 0, 0.1],
    ]);
    const grads = tf.grad((input: tf.Tensor) => {
      const f = Object.fromEntries(names.map((n, i) => [n, tf.reshape(tf.slice(input, [0, i], [-1, 1]), [-1])]));
      return tf.sum(pusherToContact.cost({ f, a: tf.zeros([3, 2]) as tf.Tensor2D }));
    })(x);
    const values = grads.dataSync();
    expect(values.every((v) => Number.isFinite(v))).toBe(true);
    expect(Math.abs(values[0]!)).toBeGreaterThan(0);
    tf.dispose([x, grads]);
  });

  it('is push’s own: push’s agent loads it by name, reach’s knows it only when given', () => {
    const push = getSim('push');
    const agent = new Agent({ layout: new Env(push).observationLayout, suggestedCosts: push.suggestedCosts, simCosts: push.costs });
    expect(agent.cost.names).toContain('pusher-to-contact');
    agent.dispose();
    const reach = getSim('reach');
    const wanted = [{ name: 'pusher-to-contact', weight: 1 }];
    expect(() => loadCosts(wanted, parseAgentConfig({}), [], reach.costs)).toThrow(/unknown intrinsic cost 'pusher-to-contact'; registered costs: goal-distance/);
    expect(costRegistry([pusherToContact], reach.costs).get('pusher-to-contact')).toBe(pusherToContact);
  });
});
