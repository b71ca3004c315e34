/**
 * Seeds for property tests: FC_SEED reproduces a run. Otherwise CI uses one fixed seed (a
 * run there is reproducible) and local runs draw a fresh seed each time (they explore).
 * Either way the seed is printed when a property fails, so any failure can be replayed
 * with `FC_SEED=<seed> npx vitest run <file>` and then kept as a named case.
 */
import fc from 'fast-check';

const CI_SEED = 20261128;

export function propertySeed(): number {
  const fromEnv = process.env.FC_SEED;
  if (fromEnv !== undefined && fromEnv !== '') return Number(fromEnv);
  return process.env.CI ? CI_SEED : Math.floor(Math.random() * 2 ** 31);
}

export function assertProperty<Ts extends unknown[]>(
  name: string,
  property: fc.IProperty<Ts>,
  params: fc.Parameters<Ts> = {},
): void {
  const seed = params.seed ?? propertySeed();
  try {
    fc.assert(property, { ...params, seed });
  } catch (error) {
    console.error(`[${name}] property failed with seed ${seed}; replay with FC_SEED=${seed}`);
    throw error;
  }
}

/** A small deterministic PRNG for shuffles driven by a generated seed. */
export { seededRandom as prng } from './updates.js';

export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
