// The agent body and sensors every built-in sim uses: a point agent of radius 10 px with a top speed of 4.5 px/step.
import type { AgentBodySpec, SensorSpec } from '../world/sim.ts';

export const POINT_AGENT: Readonly<AgentBodySpec> = Object.freeze({ radius: 10, maxAccel: 0.5, frictionAir: 0.1 });

export const STANDARD_SENSORS: Readonly<SensorSpec> = Object.freeze({ rays: 8, rayLength: 150, grid: Object.freeze({ size: 16, cell: 10 }) });
