/**
 * End to end over the real server: a board from an article, three reviewers voting through
 * real clients (one a stock y-websocket provider), the export with their votes, verdicts
 * and alpha, and the CLI producing the same bytes as the REST export.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { exportErrors, validateExport } from '../helpers/export-schema.js';
import { boardDocKey, reviewerDocKey } from '../../shared/protocol/doc-keys.js';
import { castVote, readBoard, setClaimStatus, setEditorVerdict, setPublication } from '../../shared/model/index.js';
import { addMember, api, createUser, socketClient, startServer, waitFor, wsProvider, type TestServer, type TestUser } from '../helpers/server.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

const ARTICLE_HTML = `<!doctype html><html><head><title>City budget</title><script>alert("x")</script><style>p{}</style></head>
<body><nav><a href="/">Home</a> | <a href="/news">News</a> | Subscribe</nav>
<header><p class="byline">By Jane Doe, Staff Reporter</p></header>
<article><h1>City road spending up sharply</h1>
<p>The city spent $4.2 million on road repairs in 2023, up 40 percent from 2022, the mayor said on Tuesday.</p>
<figure><img src="a.jpg"><figcaption>Workers repave Main Street. (Photo: Reuters)</figcaption></figure>
<p>According to the transport department, 1,200 potholes were filled last year.</p>
<p>Residents say the streets feel nicer.</p>
<aside class="newsletter">Sign up for our newsletter to get the latest news.</aside></article>
<footer>© 2024 The Daily Example</footer></body></html>`;

let srv: TestServer;
let owner: TestUser;
let reviewers: TestUser[];

beforeAll(async () => {
  srv = await startServer();
  owner = await createUser(srv.url, 'Olga');
  reviewers = await Promise.all(['Ann', 'Ben', 'Cleo'].map((n) => createUser(srv.url, n)));
});
afterAll(() => srv.close());

describe('review end to end', () => {
  it('imports HTML and Markdown as the text a reader sees, with no boilerplate claims', async () => {
    const html = await api(srv.url, 'POST', '/api/boards', { token: owner.token, body: { title: 'HTML', text: ARTICLE_HTML, format: 'html' } });
    expect(html.status).toBe(201);
    const md = await api(srv.url, 'POST', '/api/boards', {
      token: owner.token,
      body: { title: 'MD', format: 'markdown', text: '# City road spending up sharply\n\nThe city spent **$4.2 million** on road repairs in 2023, up 40 percent from 2022, the mayor said on Tuesday.\n\n![Workers](a.jpg)\n\nAccording to the [transport department](https://example.com), 1,200 potholes were filled last year.' },
    });
    expect(md.status).toBe(201);
    for (const [id, mustHave] of [[html.body.board.id, true], [md.body.board.id, false]] as const) {
      const c = socketClient(srv.url, owner.token, id, [boardDocKey(id)]);
      await waitFor(() => c.conn.synced, 'board sync');
      const board = readBoard(c.docs.get(boardDocKey(id))!);
      c.close();
      expect(board.article).toContain('The city spent $4.2 million on road repairs in 2023');
      expect(board.article).toContain('1,200 potholes were filled last year.');
      expect(board.article).not.toMatch(/alert|Subscribe|Sign up|Photo: Reuters|Jane Doe|©|\*\*|\]\(/);
      if (mustHave) expect(board.article).not.toContain('<');
      const texts = board.claims.map((x) => x.text);
      expect(texts.some((t) => t.includes('$4.2 million'))).toBe(true);
      expect(texts.some((t) => t.includes('1,200 potholes'))).toBe(true);
      expect(texts.some((t) => /nicer|newsletter|Reuters|Doe/.test(t))).toBe(false);
      for (const claim of board.claims) {
        expect(claim.status).toBe('proposed');
        expect(claim.score).toBeGreaterThan(0);
        expect(claim.reasons?.length).toBeGreaterThan(0);
      }
    }
  });

  it('refuses malformed and oversized articles with a clear 4xx', async () => {
    const bad = await api(srv.url, 'POST', '/api/boards', { token: owner.token, body: { title: 'x', text: 'a', format: 'pdf' } });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    const empty = await api(srv.url, 'POST', '/api/boards', { token: owner.token, body: { title: 'x', text: '<script>1</script>', format: 'html' } });
    expect(empty).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST', message: expect.stringContaining('no readable text') } } });
    const huge = await api(srv.url, 'POST', '/api/boards', { token: owner.token, body: { title: 'x', text: 'a'.repeat(2_100_000) } });
    expect(huge.status).toBe(413);
  });

  it('three reviewers vote over Socket.IO and y-websocket; the export shows votes, verdicts and alpha; the CLI gives the same bytes', async () => {
    const created = await api(srv.url, 'POST', '/api/boards', { token: owner.token, body: { title: 'Budget', text: ARTICLE_HTML, format: 'html', source: { url: 'https://example.com/budget', publisher: 'The Daily Example', publishedAt: '2024-03-01' } } });
    const boardId: string = created.body.board.id;
    for (const r of reviewers) await addMember(srv.url, owner, boardId, r, 'reviewer');
    const bKey = boardDocKey(boardId);
    // Ann and Ben over Socket.IO, Cleo with a stock WebsocketProvider.
    const ann = socketClient(srv.url, reviewers[0]!.token, boardId, [bKey, reviewerDocKey(boardId, reviewers[0]!.id)]);
    const ben = socketClient(srv.url, reviewers[1]!.token, boardId, [bKey, reviewerDocKey(boardId, reviewers[1]!.id)]);
    const cleo = wsProvider(srv.url, reviewers[2]!.token, reviewerDocKey(boardId, reviewers[2]!.id));
    const editor = socketClient(srv.url, owner.token, boardId, [bKey]);
    try {
      await waitFor(() => ann.conn.synced && ben.conn.synced && cleo.provider.synced, 'sync');
      const claims = readBoard(ann.docs.get(bKey)!).claims;
      expect(claims.length).toBeGreaterThanOrEqual(2);
      const [c1, c2] = [claims[0]!.id, claims[1]!.id];
      const vote = (doc: Y.Doc, claimId: string, rating: 1 | 2 | 3 | 4 | 5 | 'unverifiable', at: number) => {
        const r = castVote(doc, claimId, { rating, confidence: 'high', at }, null);
        expect(r.ok).toBe(true);
      };
      vote(ann.docs.get(reviewerDocKey(boardId, reviewers[0]!.id))!, c1, 5, 1000);
      vote(ben.docs.get(reviewerDocKey(boardId, reviewers[1]!.id))!, c1, 5, 1001);
      vote(cleo.doc, c1, 5, 1002);
      vote(ann.docs.get(reviewerDocKey(boardId, reviewers[0]!.id))!, c2, 1, 1003);
      vote(ben.docs.get(reviewerDocKey(boardId, reviewers[1]!.id))!, c2, 5, 1004);
      vote(cleo.doc, c2, 3, 1005);
      // The owner accepts c1 and gives the board's verdict (issue 16: ClaimReview publishes
      // editors' verdicts, not the consensus).
      await waitFor(() => editor.conn.synced, 'editor sync');
      const board = editor.docs.get(bKey)!;
      expect(setPublication(board, { organisation: { name: 'The Desk' }, baseUrl: 'https://desk.example/budget' }, null).ok).toBe(true);
      expect(setClaimStatus(board, c1, 'accepted', null).ok).toBe(true);
      expect(setEditorVerdict(board, c1, { rating: 5, explanation: 'Matches the minutes.', by: owner.id, at: 1006 }, null).ok).toBe(true);
      await editor.conn.whenSaved();
      await ann.conn.whenSaved();
      await ben.conn.whenSaved();
      await waitFor(async () => {
        const e = await api(srv.url, 'GET', `/api/boards/${boardId}/export?format=json`, { token: owner.token });
        return e.body.votes?.length === 6;
      }, 'all six votes stored');
    } finally {
      ann.close();
      ben.close();
      cleo.close();
      editor.close();
    }
    const rest = await fetch(`${srv.url}/api/boards/${boardId}/export?format=json`, { headers: { authorization: `Bearer ${owner.token}` } });
    expect(rest.status).toBe(200);
    expect(rest.headers.get('content-disposition')).toContain('attachment');
    const restJson = await rest.text();
    const exp = JSON.parse(restJson);
    expect(validateExport(exp), exportErrors()).toBe(true);
    expect(exp.schema).toBe('claimboard.export/v1');
    expect(exp.votes).toHaveLength(6);
    const byId = new Map<string, any>(exp.claims.map((c: any) => [c.id, c]));
    const first = [...byId.values()].sort((a, b) => a.position - b.position);
    expect(first[0].consensus).toMatchObject({ n: 3, verdictRating: 5, verdictLabel: 'True' });
    expect(first[1].consensus).toMatchObject({ n: 3, verdict: 'contested' });
    expect(exp.agreement).toMatchObject({ metric: 'ordinal', units: 2 });
    expect(typeof exp.agreement.alpha).toBe('number');
    // Bytes, not fetch's text(): that one strips the byte-order mark the CSV starts with.
    const restCsv = Buffer.from(await (await fetch(`${srv.url}/api/boards/${boardId}/export?format=csv`, { headers: { authorization: `Bearer ${owner.token}` } })).arrayBuffer()).toString('utf8');
    expect(restCsv.startsWith('\uFEFFposition,')).toBe(true);
    const restCr = await (await fetch(`${srv.url}/api/boards/${boardId}/export?format=claimreview`, { headers: { authorization: `Bearer ${owner.token}` } })).text();
    expect(JSON.parse(restCr)).toHaveLength(1);
    expect(JSON.parse(restCr)[0]).toMatchObject({
      '@type': 'ClaimReview',
      url: `https://desk.example/budget#claim-${first[0].id}`,
      author: { '@type': 'Organization', name: 'The Desk' },
      reviewRating: { ratingValue: 5, alternateName: 'True' },
      itemReviewed: { appearance: { url: 'https://example.com/budget', publisher: { name: 'The Daily Example' }, datePublished: '2024-03-01' } },
    });
    expect(exp.publication.claimReview.excluded).toContainEqual(expect.objectContaining({ claimId: first[1].id, reason: 'not-accepted' }));
    const restVotes = Buffer.from(await (await fetch(`${srv.url}/api/boards/${boardId}/export?format=csv&table=votes`, { headers: { authorization: `Bearer ${owner.token}` } })).arrayBuffer()).toString('utf8');
    // The CLI against the same data directory, with the server stopped.
    await srv.close();
    const cli = async (format: string, ...extra: string[]) =>
      (await run(process.execPath, ['bin/claimboard.js', 'export', boardId, '--format', format, ...extra], { cwd: ROOT, env: { ...process.env, DATA_DIR: srv.dataDir, PUBLIC_URL: srv.app.config.publicUrl } })).stdout;
    expect(await cli('json')).toBe(restJson);
    expect(await cli('csv')).toBe(restCsv);
    expect(await cli('claimreview')).toBe(restCr);
    expect(await cli('csv', '--table', 'votes')).toBe(restVotes);
    srv = await startServer({}, srv.dataDir); // for afterAll
  }, 60_000);

  it('the export route answers 404 to non-members and 400 to an unknown format', async () => {
    const stranger = await createUser(srv.url, 'Sam');
    const b = await api(srv.url, 'POST', '/api/boards', { token: owner.token, body: { title: 'T', text: 'The city spent $4 million in 2023, officials said.' } });
    const id = b.body.board.id;
    expect((await api(srv.url, 'GET', `/api/boards/${id}/export`, { token: stranger.token })).status).toBe(404);
    expect((await api(srv.url, 'GET', `/api/boards/${id}/export?format=pdf`, { token: owner.token })).status).toBe(400);
  });
});
