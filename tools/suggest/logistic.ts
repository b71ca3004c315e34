/**
 * Logistic regression on sparse hashed features, trained with AdaGrad and L2, seeded: the same
 * data and seed give the same weights, bit for bit, on any machine with IEEE doubles.
 */
import { featuresOf, HASH_BITS } from '../../shared/suggest/features.js';
import type { Example } from './data.js';

export interface Vector {
  index: Int32Array;
  value: Float64Array;
  label: 0 | 1;
  /** Sample weight in the loss. */
  weight: number;
}

export function vectorise(ex: Example, weight = 1): Vector {
  const f = featuresOf(ex.text);
  return { index: Int32Array.from(f.index), value: Float64Array.from(f.value), label: ex.label, weight };
}

export interface TrainOptions {
  seed: number;
  epochs: number;
  learningRate: number;
  l2: number;
}

export const DEFAULT_TRAIN: TrainOptions = { seed: 20261207, epochs: 5, learningRate: 0.1, l2: 1e-5 };

export interface Trained {
  bias: number;
  weights: Float64Array;
}

/** mulberry32: a small seeded generator for the epoch shuffles. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function train(data: Vector[], opts: TrainOptions = DEFAULT_TRAIN): Trained {
  const n = 1 << HASH_BITS;
  const w = new Float64Array(n);
  const g2 = new Float64Array(n).fill(1e-8);
  let bias = 0;
  let biasG2 = 1e-8;
  const random = rng(opts.seed);
  const order = data.map((_, i) => i);
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const k of order) {
      const x = data[k]!;
      let z = bias;
      for (let i = 0; i < x.index.length; i++) z += w[x.index[i]!]! * x.value[i]!;
      const p = 1 / (1 + Math.exp(-z));
      const err = (p - x.label) * x.weight;
      for (let i = 0; i < x.index.length; i++) {
        const j = x.index[i]!;
        const g = err * x.value[i]! + opts.l2 * w[j]!;
        g2[j]! += g * g;
        w[j]! -= (opts.learningRate * g) / Math.sqrt(g2[j]!);
      }
      biasG2 += err * err;
      bias -= (opts.learningRate * err) / Math.sqrt(biasG2);
    }
  }
  return { bias, weights: w };
}

export function predict(model: Trained, x: Vector): number {
  let z = model.bias;
  for (let i = 0; i < x.index.length; i++) z += model.weights[x.index[i]!]! * x.value[i]!;
  return 1 / (1 + Math.exp(-z));
}

export interface Figures {
  sentences: number;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

export function figures(scores: number[], labels: (0 | 1)[], threshold: number): Figures {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  scores.forEach((s, i) => {
    const predicted = s >= threshold;
    if (predicted && labels[i] === 1) tp++;
    else if (predicted) fp++;
    else if (labels[i] === 1) fn++;
  });
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { sentences: scores.length, tp, fp, fn, precision, recall, f1 };
}

/** The threshold (a multiple of 0.01) with the best F1; ties go to the higher threshold. */
export function bestThreshold(scores: number[], labels: (0 | 1)[]): number {
  let best = 0.5;
  let bestF1 = -1;
  for (let t = 5; t <= 95; t++) {
    const f = figures(scores, labels, t / 100).f1;
    if (f >= bestF1) {
      bestF1 = f;
      best = t / 100;
    }
  }
  return best;
}
