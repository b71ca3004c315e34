/**
 * Checks of a page as a phone user meets it: no horizontal scroll, no serious or critical
 * accessibility violation (axe-core), nothing to tap smaller than 44 px. Each returns what
 * it found wrong, named, so a failure says where.
 */
import type { Page } from 'playwright-core';

/** Elements sticking out past the right edge of the viewport, when the page scrolls sideways. */
export async function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; innerWidth: number; offenders: string[] }> {
  return page.evaluate(() => {
    const scrollWidth = document.documentElement.scrollWidth;
    const innerWidth = window.innerWidth;
    const offenders: string[] = [];
    if (scrollWidth > innerWidth) {
      for (const el of Array.from(document.body.querySelectorAll<HTMLElement>('*'))) {
        const r = el.getBoundingClientRect();
        if (r.right > innerWidth + 0.5 && r.width > 0) {
          const id = el.id ? `#${el.id}` : '';
          const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
          offenders.push(`${el.tagName.toLowerCase()}${id}${cls} right=${Math.round(r.right)}`);
          if (offenders.length >= 8) break;
        }
      }
    }
    return { scrollWidth, innerWidth, offenders };
  });
}

/** axe-core (WCAG 2.0/2.1 A and AA rules) violations of impact serious or critical. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const axe = await import('axe-core');
  // Through the DevTools protocol, which the page's CSP does not govern.
  await page.evaluate((src) => (0, eval)(src), (axe.default ?? axe).source);
  return page.evaluate(async () => {
    type Result = { violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }> };
    const w = window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<Result> } };
    const result = await w.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => JSON.stringify(n.target)).slice(0, 3).join(', ')})`);
  });
}

/** Visible buttons, selects, text inputs and summaries shorter than 44 px (WCAG 2.5.5). */
export async function smallTargets(page: Page, min = 44): Promise<string[]> {
  return page.evaluate((minPx) => {
    const out: string[] = [];
    const els = document.querySelectorAll<HTMLElement>('button, select, input:not([type="checkbox"]):not([type="radio"]):not([type="hidden"]), summary, [role="tab"]');
    for (const el of Array.from(els)) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || el.closest('[hidden]')) continue;
      if (r.height < minPx - 0.5) out.push(`${el.tagName.toLowerCase()} "${(el.textContent ?? '').trim().slice(0, 30) || el.getAttribute('aria-label') || el.id}" ${Math.round(r.height)} px`);
    }
    return out;
  }, min);
}
