// Imports an article (text, Markdown, HTML) and suggests its claims, off the main thread;
// also explains why one sentence of a board's article was or was not suggested (`explain`).
// The parent terminates this worker when one import takes longer than its deadline, so
// nothing here guards against slow input itself; a parser that throws (a stack overflow
// in the Markdown parser on deep nesting) is answered as a failure of that one import.
// Plain JavaScript that loads the TypeScript modules through tsx's API, so it runs the
// same under `node --import tsx`, the CLI and Vitest.
import { parentPort } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

const { importArticle, ImportError } = await tsImport('../../shared/import/index.ts', import.meta.url);
const { suggestClaims, explainSentence, DEFAULT_SUGGESTION_THRESHOLD } = await tsImport('../../shared/suggest/index.ts', import.meta.url);

const FORMAT_NAMES = { text: 'text', markdown: 'Markdown', html: 'HTML' };

function run({ text, format }) {
  let article;
  try {
    article = importArticle(text, format);
  } catch (err) {
    if (err instanceof ImportError) return { ok: false, code: err.code, message: err.message };
    // First line only: marked appends "Please report this to …" to its own errors.
    const reason = String(err?.message ?? err).split('\n')[0];
    return { ok: false, code: 'IMPORT_FAILED', message: `the ${FORMAT_NAMES[format] ?? format} could not be read: ${reason}` };
  }
  if (article.text.trim() === '') return { ok: false, code: 'BAD_REQUEST', message: 'the article has no readable text' };
  const claims = suggestClaims(article.text, { threshold: DEFAULT_SUGGESTION_THRESHOLD });
  return { ok: true, article, claims };
}

/** The runner has checked the span against the text; null when no sentence overlaps it. */
function explain({ text, start, end, threshold }) {
  return { ok: true, explanation: explainSentence(text, start, end, threshold) };
}

parentPort.on('message', (msg) => {
  if (typeof msg?.id !== 'number') return; // only the runner talks to this worker
  let answer;
  try {
    answer = msg.kind === 'explain' ? explain(msg) : run(msg);
  } catch (err) {
    const what = msg.kind === 'explain' ? 'explaining the sentence' : 'claim suggestion';
    answer = { ok: false, code: 'IMPORT_FAILED', message: `${what} failed: ${String(err?.message ?? err).split('\n')[0]}` };
  }
  parentPort.postMessage({ id: msg.id, ...answer });
});

// Warm up before saying ready, so the first real import is not the one that compiles.
for (const format of ['text', 'markdown', 'html']) {
  run({ text: 'The council spent $4.2 million on roads in 2023, the mayor said. It rained.', format });
}
parentPort.postMessage({ ready: true });
