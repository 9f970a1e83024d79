/** The simulation's seeded generator: the project's one implementation lives in src/util/random.ts. */
export { makeRng, type Rng } from '../util/random';
