// The sim registry: every scenario, with the costs it declares, by name. A new sim is one file (or folder) in sims/ plus one line here.
import type { SimWithCosts } from '../agent/cost/index.ts';
import forage from './forage.ts';
import push from './push/index.ts';
import reach from './reach.ts';
import twoRooms from './two-rooms.ts';
export { shippedCheckpoint } from './checkpoints.ts';

export const sims: Readonly<Record<string, SimWithCosts>> = Object.freeze({
  [reach.name]: reach,
  [twoRooms.name]: twoRooms,
  [forage.name]: forage,
  [push.name]: push,
});

/** The sim called name; an unknown name throws with the list of available sims. */
export function getSim(name: string): SimWithCosts {
  const sim = sims[name];
  if (!sim) throw new Error(`unknown sim '${name}'; available sims: ${Object.keys(sims).join(', ')} (or give the path of a sim file, like ./my-sim.ts)`);
  return sim;
}
