/**
 * Seeds for property tests: FC_SEED reproduces a run; otherwise each run draws a fresh
 * seed. Either way the seed is printed when a property fails, so any failure can be
 * replayed with `FC_SEED=<seed> npx vitest run <file>`.
 */
import fc from 'fast-check';

export function propertySeed(): number {
  const fromEnv = process.env.FC_SEED;
  return fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) : Math.floor(Math.random() * 2 ** 31);
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

/** A small deterministic PRNG (mulberry32) for shuffles driven by a generated seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
