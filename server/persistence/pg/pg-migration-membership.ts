/**
 * Membership that holds (issue 13) on PostgreSQL [M1–M4], as sqlite-migration-membership.ts
 * does for the embedded store: invites may be addressed to an e-mail, departures are recorded,
 * boards say whether former members' votes count; departures from before it come from the
 * audit log. Idempotent (IF NOT EXISTS), and kept apart from the list so that only its number
 * there changes if another migration lands first.
 */
import type { PgMigration } from './pg-migrations.js';

export const PG_MEMBERSHIP_MIGRATION: Omit<PgMigration, 'version'> = {
  name: 'membership that holds: addressed invites, departures, counting former members',
  sql: `
    ALTER TABLE users ADD COLUMN IF NOT EXISTS email text;
    ALTER TABLE users ADD COLUMN IF NOT EXISTS avatar_color text;
    ALTER TABLE invites ADD COLUMN IF NOT EXISTS email text;
    ALTER TABLE boards ADD COLUMN IF NOT EXISTS count_former_members boolean NOT NULL DEFAULT false;
    CREATE TABLE IF NOT EXISTS member_removals (
      board_id text NOT NULL REFERENCES boards(id),
      user_id text NOT NULL,
      removed_at bigint NOT NULL,
      removed_by text NOT NULL,
      role text,
      PRIMARY KEY (board_id, user_id)
    );
    INSERT INTO member_removals (board_id, user_id, removed_at, removed_by, role)
    SELECT DISTINCT ON (a.board_id, a.detail->>'userId') a.board_id, a.detail->>'userId', a.at, a.actor, NULL
    FROM audit a
    WHERE a.action IN ('member.removed', 'member.left')
      AND jsonb_typeof(a.detail->'userId') = 'string'
      AND EXISTS (SELECT 1 FROM boards b WHERE b.id = a.board_id)
      AND NOT EXISTS (SELECT 1 FROM members m WHERE m.board_id = a.board_id AND m.user_id = a.detail->>'userId')
    ORDER BY a.board_id, a.detail->>'userId', a.at DESC, a.seq DESC
    ON CONFLICT DO NOTHING;
  `,
};
