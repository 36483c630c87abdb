// The sim registry: every scenario by name. A new sim is one file in sims/ plus one line here.
import type { SimDefinition } from '../world/sim.ts';
import forage from './forage.ts';
import push from './push.ts';
import reach from './reach.ts';
import twoRooms from './two-rooms.ts';
export { shippedCheckpoint } from './checkpoints.ts';

export const sims: Readonly<Record<string, SimDefinition>> = Object.freeze({
  [reach.name]: reach,
  [twoRooms.name]: twoRooms,
  [forage.name]: forage,
  [push.name]: push,
});

/** The sim called name; an unknown name throws with the list of available sims. */
export function getSim(name: string): SimDefinition {
  const sim = sims[name];
  if (!sim) throw new Error(`unknown sim '${name}'; available sims: ${Object.keys(sims).join(', ')}`);
  return sim;
}
