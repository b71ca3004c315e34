/**
 * `npm run train:suggest`: trains the claim model and writes
 *   shared/suggest/claim-model.json          (weights, threshold, dev figures; committed)
 *   tests/fixtures/suggest/model/dev-sample.json (dev sentences with the scores the committed
 *                                             model gives them; the unit test replays them)
 * Training data: ClaimBuster (minus its test set), CheckThat! 2020 task 1 training tweets and
 * our labelled news articles (see data.ts for where the public data goes). The dev split is
 * 1 in 10 ClaimBuster sentences; the default threshold is the one with the best F1 there.
 * `--grid` only prints dev F1 for a few settings and writes nothing.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HASH_BITS } from '../../shared/suggest/features.js';
import { DECISION_SCORE, loadModel, scoreWithModel, type ModelFile } from '../../shared/suggest/model.js';
import { articleExamples, loadArticles, loadClaimBuster, loadClef20, ROOT } from './data.js';
import { bestThreshold, DEFAULT_TRAIN, figures, predict, train, vectorise, type Trained, type TrainOptions } from './logistic.js';

export const MODEL_VERSION = '1';
/** A labelled news sentence counts this many ClaimBuster sentences: it is the target domain. */
export const NEWS_WEIGHT = 3;
const SAMPLE_SIZE = 200;

const round = (x: number, d = 4): number => Math.round(x * 10 ** d) / 10 ** d;

export function quantise(model: Trained, threshold: number, dev: ModelFile['dev']): ModelFile {
  let max = 0;
  for (const w of model.weights) max = Math.max(max, Math.abs(w));
  const scale = max / 32767 || 1;
  const bytes = new Uint8Array(2 << HASH_BITS);
  const view = new DataView(bytes.buffer);
  model.weights.forEach((w, i) => view.setInt16(2 * i, Math.round(w / scale), true));
  return {
    format: 'claimboard.claim-model/v1',
    version: MODEL_VERSION,
    hashBits: HASH_BITS,
    bias: model.bias,
    scale,
    weights: Buffer.from(bytes).toString('base64'),
    threshold,
    dev,
  };
}

function main(): void {
  const t0 = performance.now();
  const cb = loadClaimBuster();
  const clef = loadClef20();
  const articles = loadArticles();
  const news = articles.flatMap(articleExamples);
  console.log(
    `data: ClaimBuster train ${cb.train.length}, dev ${cb.dev.length} (dropped as test: ${cb.droppedAsTest}); ` +
      `CheckThat! 2020 train ${clef.train.length} (dropped as dev: ${clef.droppedAsDev}); news sentences ${news.length} from ${articles.length} articles`,
  );
  const trainSet = [...cb.train.map((e) => vectorise(e)), ...clef.train.map((e) => vectorise(e)), ...news.map((e) => vectorise(e, NEWS_WEIGHT))];
  const devSet = cb.dev.map((e) => vectorise(e));
  console.log(`features: ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  if (process.argv.includes('--grid')) {
    for (const epochs of [3, 5, 8]) {
      for (const learningRate of [0.06, 0.1, 0.2]) {
        for (const l2 of [1e-5, 1e-4]) {
          const opts: TrainOptions = { ...DEFAULT_TRAIN, epochs, learningRate, l2 };
          const m = train(trainSet, opts);
          const s = devSet.map((x) => predict(m, x));
          const labels = devSet.map((x) => x.label);
          const t = bestThreshold(s, labels);
          console.log(JSON.stringify({ epochs, learningRate, l2, threshold: t, f1: round(figures(s, labels, t).f1) }));
        }
      }
    }
    return;
  }

  const t1 = performance.now();
  const trained = train(trainSet);
  console.log(`training: ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  const labels = devSet.map((x) => x.label);
  const threshold = bestThreshold(devSet.map((x) => predict(trained, x)), labels);

  // Dev figures of the weights as stored (quantised), through the runtime scoring path.
  const draft = quantise(trained, threshold, { sentences: 0, precision: 0, recall: 0, f1: 0 });
  const stored = loadModel(draft);
  const devScores = cb.dev.map((e) => scoreWithModel(e.text, stored).score);
  const dev = figures(devScores, labels, DECISION_SCORE);
  const file = quantise(trained, threshold, { sentences: dev.sentences, precision: round(dev.precision), recall: round(dev.recall), f1: round(dev.f1) });
  writeFileSync(join(ROOT, 'shared/suggest/claim-model.json'), `${JSON.stringify(file)}\n`);

  const step = Math.floor(cb.dev.length / SAMPLE_SIZE);
  const picked = cb.dev.map((e, i) => ({ ...e, score: devScores[i]! })).filter((_, i) => i % step === 0).slice(0, SAMPLE_SIZE);
  const sampleFigures = figures(picked.map((p) => p.score), picked.map((p) => p.label), DECISION_SCORE);
  writeFileSync(
    join(ROOT, 'tests/fixtures/suggest/model/dev-sample.json'),
    `${JSON.stringify(
      {
        about: 'Every 1-in-N sentence of the ClaimBuster dev split (tools/suggest/data.ts), with the score the committed model gave it. Data: ClaimBuster (Arslan et al., ICWSM 2020), GPL-3.0 as published in utaresearch/claimbuster-spotter.',
        modelVersion: MODEL_VERSION,
        threshold: DECISION_SCORE,
        figures: { precision: round(sampleFigures.precision), recall: round(sampleFigures.recall), f1: round(sampleFigures.f1) },
        sentences: picked.map((p) => ({ text: p.text, label: p.label, score: p.score })),
      },
      null,
      1,
    )}\n`,
  );
  console.log(
    `dev (${dev.sentences} sentences, threshold ${threshold}): precision ${round(dev.precision, 3)}, recall ${round(dev.recall, 3)}, F1 ${round(dev.f1, 3)}; ` +
      `sample F1 ${round(sampleFigures.f1, 3)}; total ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) main();
