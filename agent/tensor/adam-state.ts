// Adam's state as named tensors (its bias-correction powers and each variable's moments), saved and restored exactly.
import * as tf from '@tensorflow/tfjs';

/** What tfjs keeps inside an Adam optimiser (not in its public types): read and set here only. */
interface AdamInternals {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
}

const PREFIX = 'adam';

function internals(optimizer: tf.Optimizer): AdamInternals {
  const adam = optimizer as unknown as Partial<AdamInternals>;
  if (!(adam.accBeta1 instanceof tf.Variable) || !(adam.accBeta2 instanceof tf.Variable) || !Array.isArray(adam.accumulatedFirstMoment) || !Array.isArray(adam.accumulatedSecondMoment)) {
    throw new Error('expected a tf.train.adam optimiser (its moments are saved with the checkpoint)');
  }
  return adam as AdamInternals;
}

/**
 * Adam's state, named after the variables it updates: `adam/beta1-power`, `adam/beta2-power`, and `adam/m/<name>` and
 * `adam/v/<name>` for each variable that has had a step. The tensors are the optimiser's own (not copies).
 * @param variables the variables in the order the optimiser was given them (minimize's varList), with their names
 */
export function adamState(optimizer: tf.Optimizer, variables: readonly (readonly [string, tf.Variable])[]): [string, tf.Variable][] {
  const adam = internals(optimizer);
  const state: [string, tf.Variable][] = [
    [`${PREFIX}/beta1-power`, adam.accBeta1],
    [`${PREFIX}/beta2-power`, adam.accBeta2],
  ];
  variables.forEach(([name], i) => {
    const m = adam.accumulatedFirstMoment[i];
    const v = adam.accumulatedSecondMoment[i];
    if (m && v) state.push([`${PREFIX}/m/${name}`, m.variable], [`${PREFIX}/v/${name}`, v.variable]);
  });
  return state;
}

/**
 * Puts back the state adamState saved into a fresh optimiser over the same variables, so its next step is the step the
 * saved one would have taken. @returns false (and changes nothing) when `saved` holds no Adam state
 */
export function restoreAdamState(
  optimizer: tf.Optimizer,
  variables: readonly (readonly [string, tf.Variable])[],
  saved: ReadonlyMap<string, { shape: number[]; values: Float32Array }>,
  source: string,
): boolean {
  const adam = internals(optimizer);
  const beta1 = saved.get(`${PREFIX}/beta1-power`);
  const beta2 = saved.get(`${PREFIX}/beta2-power`);
  if (!beta1 || !beta2) return false;
  if (adam.accumulatedFirstMoment.length > 0) throw new Error('Adam state can only be restored into an optimiser that has not stepped yet');
  const moment = (kind: 'm' | 'v', name: string, variable: tf.Variable): tf.Variable | undefined => {
    const t = saved.get(`${PREFIX}/${kind}/${name}`);
    if (!t) return undefined;
    if (t.shape.join(',') !== variable.shape.join(',')) {
      throw new Error(`checkpoint '${source}' has Adam state '${PREFIX}/${kind}/${name}' of shape [${t.shape.join(', ')}], but the variable has shape [${variable.shape.join(', ')}]`);
    }
    return tf.variable(tf.tensor(t.values, t.shape), false);
  };
  tf.tidy(() => {
    adam.accBeta1.assign(tf.tensor(beta1.values, []));
    adam.accBeta2.assign(tf.tensor(beta2.values, []));
  });
  variables.forEach(([name, variable], i) => {
    const m = moment('m', name, variable);
    const v = moment('v', name, variable);
    if (!m || !v) {
      m?.dispose();
      v?.dispose();
      return;
    }
    adam.accumulatedFirstMoment[i] = { originalName: `${variable.name}/m`, variable: m };
    adam.accumulatedSecondMoment[i] = { originalName: `${variable.name}/v`, variable: v };
  });
  return true;
}
