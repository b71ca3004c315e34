/**
 * The verdict scale, compatible with ClaimReview's 1–5 rating: 1 False … 5 True.
 * "unverifiable" is an answer outside the scale; "insufficient" and "contested" are what
 * the board says when it cannot give a scale verdict.
 */
export const SCALE = [
  { rating: 1, verdict: 'false', label: 'False' },
  { rating: 2, verdict: 'mostly-false', label: 'Mostly false' },
  { rating: 3, verdict: 'mixed', label: 'Mixed' },
  { rating: 4, verdict: 'mostly-true', label: 'Mostly true' },
  { rating: 5, verdict: 'true', label: 'True' },
] as const;

export type ScaleValue = (typeof SCALE)[number]['rating'];
export type ScaleVerdict = (typeof SCALE)[number]['verdict'];
export type Verdict = ScaleVerdict | 'unverifiable' | 'insufficient' | 'contested';

export const SCALE_MIN = 1;
export const SCALE_MAX = 5;
/** Width of the scale, the denominator in the Tastle–Wierman measure. */
export const SCALE_WIDTH = SCALE_MAX - SCALE_MIN;

export const VERDICT_LABELS: Record<Verdict, string> = {
  false: 'False',
  'mostly-false': 'Mostly false',
  mixed: 'Mixed',
  'mostly-true': 'Mostly true',
  true: 'True',
  unverifiable: 'Unverifiable',
  insufficient: 'Not enough votes',
  contested: 'Contested',
};

export const VERDICTS = Object.keys(VERDICT_LABELS) as Verdict[];

export function scaleEntry(rating: ScaleValue): (typeof SCALE)[number] {
  return SCALE[rating - 1]!;
}

export const isScaleValue = (value: unknown): value is ScaleValue =>
  value === 1 || value === 2 || value === 3 || value === 4 || value === 5;
