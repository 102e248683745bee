/**
 * Property tests run with one fixed seed, so CI is repeatable: a counterexample found once is
 * found again and fixed, never a coin toss in a later run. Explore with other seeds locally:
 * `FC_SEED=$RANDOM npm test`.
 */
import fc from 'fast-check';

const seed = Number(process.env.FC_SEED ?? '20261125');
fc.configureGlobal({ seed: Number.isInteger(seed) ? seed : 20261125 });
