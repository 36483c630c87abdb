// Tests for rangefinder rays and the occupancy grid against known geometry.
import Matter from 'matter-js';
import { describe, expect, it } from 'vitest';
import { castRays, obstaclesOf, occupancyGrid } from '../../world/sensors.ts';

describe('sensors', () => {
  const wall = Matter.Bodies.rectangle(150, 100, 20, 200, { isStatic: true });
  const ball = Matter.Bodies.circle(100, 160, 10);
  const obstacles = obstaclesOf([wall, ball]);

  it('measures the distance to the nearest surface along each ray', () => {
    const out = new Float32Array(4);
    castRays(obstacles, -1, 100, 100, 4, 100, out, 0);
    expect(out[0]).toBeCloseTo(40 / 100, 4); // +x hits the wall's face at x = 140
    expect(out[1]).toBeCloseTo(50 / 100, 4); // +y hits the ball's top at y = 150
    expect(out[2]).toBe(1); // -x: nothing within reach
    expect(out[3]).toBe(1);
  });

  it('ignores the agent itself', () => {
    const out = new Float32Array(4);
    castRays(obstacles, ball.id, 100, 160, 4, 100, out, 0);
    expect(out[0]).toBeCloseTo(40 / 100, 4);
    expect(out[2]).toBe(1);
  });

  it('marks cells whose centre lies in an obstacle or outside the arena', () => {
    const out = new Float32Array(16);
    occupancyGrid(obstacles, -1, 130, 100, 4, 10, { width: 400, height: 400 }, out, 0);
    // cells centred at x = 115, 125, 135, 145: only x = 145 lies inside the wall (140..160)
    for (let r = 0; r < 4; r++) expect(Array.from(out.subarray(r * 4, r * 4 + 4))).toEqual([0, 0, 0, 1]);
    occupancyGrid([], -1, 5, 5, 4, 10, { width: 400, height: 400 }, out, 0);
    expect(out[0]).toBe(1); // centre (-10, -10) is outside the arena
    expect(out[15]).toBe(0);
  });
});
