// `npm run bench`: every benchmark of the project, each against a baseline measured in the same run.
import { formatTable } from '../bin/table.ts';
import { benchWorld } from './world.ts';

console.log('World: random agent, env steps/s vs bare matter-js Engine.update on the same bodies');
const rows = benchWorld();
console.log(
  formatTable(
    ['sim', 'bodies', 'env steps/s', 'bare steps/s', 'env/bare'],
    rows.map((r) => [r.sim, r.bodies, Math.round(r.envStepsPerSecond), Math.round(r.bareStepsPerSecond), r.ratio.toFixed(2)]),
  ),
);
