/** WCAG AA contrast of the client's generated colours: every avatar hue under white text
 * (the design tokens of app.css: design-tokens.test.ts). */
import { describe, expect, it } from 'vitest';
import { userColor } from '../../client/src/lib/verdict.js';

const channel = (c: number) => {
  const s = c / 255;
  return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
};
const luminance = ([r, g, b]: number[]) => 0.2126 * channel(r!) + 0.7152 * channel(g!) + 0.0722 * channel(b!);
const contrast = (a: number[], b: number[]) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
};
function hsl(css: string): number[] {
  const [h, s, l] = css.match(/[\d.]+/g)!.map(Number) as [number, number, number];
  const a = (s / 100) * Math.min(l / 100, 1 - l / 100);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l / 100 - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

describe('client colours', () => {
  it('avatar colours keep white initials at AA contrast for every user id hue', () => {
    for (let i = 0; i < 2000; i++) {
      const c = hsl(userColor(`u_${i.toString(36)}`));
      expect(contrast(c, [255, 255, 255]), userColor(`u_${i.toString(36)}`)).toBeGreaterThanOrEqual(4.5);
    }
  });
});
