/** Display helpers for ratings and reviewers (verdict colours: consensus-display.ts and tokens.css). */

export const RATING_LABELS: Record<string, string> = {
  '1': 'False',
  '2': 'Mostly false',
  '3': 'Mixed',
  '4': 'Mostly true',
  '5': 'True',
  unverifiable: 'Unverifiable',
};

/** Labels of the editor's verdict: the scale's, plus "needs context". */
export const EDITOR_RATING_LABELS: Record<string, string> = { ...RATING_LABELS, 'needs-context': 'Needs context' };

export function formatCns(c: number | null): string {
  return c === null ? '—' : c.toFixed(2);
}

/** Two initials; words that do not start with a letter ("(olivia.o@)", a namesake's tag) are skipped. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const lettered = words.filter((w) => /^\p{L}/u.test(w));
  const parts = lettered.length > 0 ? lettered : words;
  return ((parts[0]?.[0] ?? '?') + (parts[1]?.[0] ?? '')).toUpperCase();
}

/** A stable hue per user id, dark enough for white text (AA). */
export function userColor(id: string): string {
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) % 360;
  return `hsl(${h} 55% 26%)`;
}
