/**
 * The design tokens of client/src/tokens.css meet WCAG AA where the app uses them together:
 * text 4.5:1, the rating colours of vote bars 3:1 against the surface (non-text contrast,
 * WCAG 1.4.11), every verdict background under the text colour, and a verdict palette in
 * which "unverifiable" has a colour of its own.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { VERDICTS } from '../../shared/consensus/index.js';

const css = fs.readFileSync(path.resolve(import.meta.dirname, '../../client/src/tokens.css'), 'utf8');
const root = css.slice(css.indexOf(':root {'), css.indexOf('\n}', css.indexOf(':root {')));
const tokens = new Map([...root.matchAll(/--([\w-]+):\s*(#[0-9a-fA-F]{6})\s*;/g)].map((m) => [m[1]!, m[2]!]));
const token = (name: string): number[] => {
  const v = tokens.get(name);
  if (!v) throw new Error(`no colour token --${name} in tokens.css`);
  return [1, 3, 5].map((i) => parseInt(v.slice(i, i + 2), 16));
};
const channel = (c: number) => {
  const s = c / 255;
  return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
};
const luminance = ([r, g, b]: number[]) => 0.2126 * channel(r!) + 0.7152 * channel(g!) + 0.0722 * channel(b!);
const contrast = (a: number[], b: number[]) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
};

describe('design tokens', () => {
  it.each([
    ['text', 'surface'],
    ['text', 'bg'],
    ['muted', 'surface'],
    ['muted', 'bg'],
    ['muted', 'surface-2'],
    ['accent', 'surface'],
    ['accent', 'accent-soft'],
    ['on-accent', 'accent'],
    ['danger', 'surface'],
    ['danger', 'danger-soft'],
    ['warn-text', 'warn-soft'],
    ['on-topbar', 'topbar'],
  ])('--%s on --%s is at least 4.5:1', (fg, bg) => {
    expect(contrast(token(fg), token(bg))).toBeGreaterThanOrEqual(4.5);
  });

  it('every verdict has a background that keeps --text at AA, and "unverifiable" a colour of its own', () => {
    for (const v of VERDICTS) expect(contrast(token(`v-${v}`), token('text')), v).toBeGreaterThanOrEqual(4.5);
    const others = VERDICTS.filter((v) => v !== 'unverifiable').map((v) => tokens.get(`v-${v}`));
    expect(others).not.toContain(tokens.get('v-unverifiable'));
  });

  it('the rating colours of the vote bars stand out from the surface and keep white digits at AA', () => {
    const keys = ['1', '2', '3', '4', '5', 'u'];
    for (const k of keys) expect(contrast(token(`r-${k}`), token('surface')), k).toBeGreaterThanOrEqual(3);
    expect(new Set(keys.map((k) => tokens.get(`r-${k}`))).size).toBe(keys.length);
    // The rating badges of the vote buttons put white digits on them.
    for (const k of keys) expect(contrast(token(`r-${k}`), [255, 255, 255]), k).toBeGreaterThanOrEqual(4.5);
  });
});
