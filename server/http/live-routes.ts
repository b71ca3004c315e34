/**
 * Live-review routes [L1–L9]. Every answer carries the server's clock (`now`) with the
 * state, so clients can show timers in server time.
 */
import type { Response, Router } from 'express';
import { AppError, ErrorCode } from '../../shared/protocol/errors.js';
import { IdSchema, LivePatchSchema, LiveRoundSchema, LiveStartSchema, LiveTimerSchema } from '../../shared/protocol/schemas.js';
import { roundOf, type LiveState } from '../../shared/model/live.js';
import type { LiveAnswer } from '../../shared/protocol/rest.js';
import { AGENDA_BODY_BYTES, jsonBody, SMALL_BODY_BYTES } from './body.js';
import { parse } from './errors.js';
import { authed, roleOn } from './route-helpers.js';
import type { RouteDeps } from './routes.js';

export function liveRoutes(r: Router, d: RouteDeps): void {
  const small = jsonBody(SMALL_BODY_BYTES);
  const agenda = jsonBody(AGENDA_BODY_BYTES);
  const liveAnswer = (res: Response, status: number, live: LiveState) => res.status(status).json({ live, now: d.now() } satisfies LiveAnswer);

  r.get('/boards/:id/live', authed(async (req, res) => {
    const { boardId } = await roleOn(d.auth, req);
    liveAnswer(res, 200, await d.live.state(boardId));
  }));

  r.post('/boards/:id/live', agenda, authed(async (req, res) => {
    const { boardId } = await roleOn(d.auth, req);
    const body = parse(LiveStartSchema, req.body ?? {});
    const live = await d.live.start(boardId, req.user.id, body.agenda);
    d.audit.record(boardId, req.user.id, 'live.started', { claims: live.agenda.length });
    liveAnswer(res, 201, live);
  }));

  r.patch('/boards/:id/live', agenda, authed(async (req, res) => {
    const { boardId } = await roleOn(d.auth, req);
    const body = parse(LivePatchSchema, req.body);
    const live = await d.live.update(boardId, req.user.id, body);
    if (body.facilitatorId !== undefined) d.audit.record(boardId, req.user.id, 'live.facilitator', { to: body.facilitatorId });
    liveAnswer(res, 200, live);
  }));

  r.post('/boards/:id/live/rounds', small, authed(async (req, res) => {
    const { boardId } = await roleOn(d.auth, req);
    const body = parse(LiveRoundSchema, req.body);
    const live = await d.live.openRound(boardId, req.user.id, body.claimId);
    d.audit.record(boardId, req.user.id, 'live.round.opened', { claimId: body.claimId });
    liveAnswer(res, 201, live);
  }));

  r.post('/boards/:id/live/rounds/:claimId/reveal', small, authed(async (req, res) => {
    const { boardId } = await roleOn(d.auth, req);
    const claimId = IdSchema.safeParse(req.params.claimId);
    if (!claimId.success) throw new AppError(ErrorCode.NotFound, 'no sealed round on this claim');
    const live = await d.live.reveal(boardId, req.user.id, claimId.data);
    d.audit.record(boardId, req.user.id, 'live.round.revealed', { claimId: claimId.data, votes: Object.keys(roundOf(live, claimId.data)?.votes ?? {}).length });
    liveAnswer(res, 200, live);
  }));

  r.put('/boards/:id/live/timer', small, authed(async (req, res) => {
    const { boardId } = await roleOn(d.auth, req);
    const body = parse(LiveTimerSchema, req.body);
    liveAnswer(res, 200, await d.live.timer(boardId, req.user.id, body.claimId, body.seconds));
  }));

  r.delete('/boards/:id/live/timer', authed(async (req, res) => {
    const { boardId } = await roleOn(d.auth, req);
    liveAnswer(res, 200, await d.live.timer(boardId, req.user.id, null, null));
  }));

  r.post('/boards/:id/live/end', small, authed(async (req, res) => {
    const { boardId } = await roleOn(d.auth, req);
    const live = await d.live.end(boardId, req.user.id);
    d.audit.record(boardId, req.user.id, 'live.ended', {});
    liveAnswer(res, 200, live);
  }));

  /**
   * The end-of-review summary (any member): time per claim, round 1 and round 2, movement,
   * what to revisit. `summary` is null when the board never had a live review; `now` is the
   * clock the running focus stretch was counted to.
   */
  r.get('/boards/:id/live/summary', authed(async (req, res) => {
    const { boardId } = await roleOn(d.auth, req);
    const { summary, now } = await d.boards.liveSummary(boardId);
    res.set('Cache-Control', 'no-store').json({ summary, now });
  }));
}
