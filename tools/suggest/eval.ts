/**
 * `npm run eval:suggest`: precision, recall and F1 of the committed model and of the old
 * keyword scorer (legacy-score.ts) on the same sentences, printed as the Markdown table of
 * tests/bench/RESULTS.md ("Suggestion quality"):
 *   - the ClaimBuster dev split (data.ts; never trained on),
 *   - the CheckThat! 2020 task 1 dev file,
 *   - our labelled news articles, leave one article out: for each article a model is trained
 *     on everything else (same data, settings and seed as train.ts) and scored on it.
 * Both scorers see the article through the same import and sentence split; a sentence the
 * suggester drops as furniture counts as "not suggested".
 */
import { importArticle } from '../../shared/import/index.js';
import { boilerplateKind } from '../../shared/suggest/boilerplate.js';
import { legacyScoreSentence } from '../../shared/suggest/legacy-score.js';
import { claimModel, DECISION_SCORE, scoreWithModel } from '../../shared/suggest/model.js';
import { analyseSentences } from '../../shared/suggest/suggest-claims.js';
import { articleExamples, loadArticles, loadClaimBuster, loadClef20, type Example } from './data.js';
import { bestThreshold, figures, predict, train, vectorise, type Figures } from './logistic.js';
import { NEWS_WEIGHT } from './train.js';

const LEGACY_THRESHOLD = 0.5;

const fmt = (f: Figures): string => `${f.precision.toFixed(3)} | ${f.recall.toFixed(3)} | **${f.f1.toFixed(3)}**`;

function row(name: string, n: number, legacy: Figures, model: Figures): string {
  return `| ${name} | ${n} | ${fmt(legacy)} | ${fmt(model)} |`;
}

function onExamples(examples: Example[]): { legacy: Figures; model: Figures } {
  const labels = examples.map((e) => e.label);
  const model = claimModel();
  return {
    legacy: figures(examples.map((e) => legacyScoreSentence(e.text).score), labels, LEGACY_THRESHOLD),
    model: figures(examples.map((e) => scoreWithModel(e.text, model).score), labels, DECISION_SCORE),
  };
}

function main(): void {
  const t0 = performance.now();
  const cb = loadClaimBuster();
  const clef = loadClef20();
  const articles = loadArticles();
  const rows: string[] = [];

  const cbDev = onExamples(cb.dev);
  rows.push(row('ClaimBuster dev split (1 in 10 of the training pool)', cb.dev.length, cbDev.legacy, cbDev.model));
  const clefDev = onExamples(clef.dev);
  rows.push(row('CheckThat! 2020 task 1 dev (English tweets)', clef.dev.length, clefDev.legacy, clefDev.model));

  // Leave one article out.
  const base = [...cb.train.map((e) => vectorise(e)), ...clef.train.map((e) => vectorise(e))];
  const devVectors = cb.dev.map((e) => vectorise(e));
  const devLabels = devVectors.map((x) => x.label);
  const perArticle: { id: string; legacy: number[]; model: number[]; gold: (0 | 1)[] }[] = [];
  for (const held of articles) {
    const others = articles.filter((a) => a !== held).flatMap(articleExamples).map((e) => vectorise(e, NEWS_WEIGHT));
    const m = train([...base, ...others]);
    const threshold = bestThreshold(devVectors.map((x) => predict(m, x)), devLabels);
    const text = importArticle(held.body, held.format).text;
    // The run-time path (paragraph parsing, blocks) with this fold's model, unquantised.
    const foldModel = { version: `without ${held.id}`, bias: m.bias - Math.log(threshold / (1 - threshold)), weights: Float32Array.from(m.weights) };
    const analysed = analyseSentences(text, { model: foldModel });
    if (analysed.length !== held.sentences.length) throw new Error(`${held.id}: the split no longer matches the labels`);
    const legacy: number[] = [];
    const model: number[] = [];
    const gold: (0 | 1)[] = [];
    held.sentences.forEach((s, i) => {
      gold.push(s.label === 'claim' ? 1 : 0);
      // Today's suggester: sentence-level furniture rules, then the keyword score.
      legacy.push(boilerplateKind(s.text) === null ? legacyScoreSentence(s.text).score : 0);
      // The new one: block-level furniture, then the model of this fold at its dev threshold.
      model.push(analysed[i]!.boilerplate === null && analysed[i]!.score >= DECISION_SCORE ? 1 : 0);
    });
    perArticle.push({ id: held.id, legacy, model, gold });
  }
  const pool = (ids: (id: string) => boolean) => {
    const picked = perArticle.filter((a) => ids(a.id));
    const gold = picked.flatMap((a) => a.gold);
    return {
      n: gold.length,
      legacy: figures(picked.flatMap((a) => a.legacy), gold, LEGACY_THRESHOLD),
      model: figures(picked.flatMap((a) => a.model), gold, DECISION_SCORE),
    };
  };
  const all = pool(() => true);
  rows.push(row(`News articles, leave one article out (${articles.length} articles, all sentences)`, all.n, all.legacy, all.model));
  const tuned = new Set(['business-earnings', 'news-wildfire', 'opinion-bike-lanes', 'politics-speech', 'science-coffee', 'sports-cup']);
  const unseen = pool((id) => !tuned.has(id));
  rows.push(row(`… of which the ${articles.length - tuned.size} articles the keyword scorer was not tuned on`, unseen.n, unseen.legacy, unseen.model));

  console.log('| data | sentences | keyword scorer: P | R | F1 | model: P | R | F1 |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) console.log(r);
  console.log('\nper article (leave one out), F1 keyword → model:');
  for (const a of perArticle) {
    const l = figures(a.legacy, a.gold, LEGACY_THRESHOLD);
    const m = figures(a.model, a.gold, DECISION_SCORE);
    console.log(`  ${a.id}: ${l.f1.toFixed(3)} → ${m.f1.toFixed(3)} (model TP ${m.tp} FP ${m.fp} FN ${m.fn})`);
  }
  console.log(`\n(${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

main();
