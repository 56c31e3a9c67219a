// Every report in headless Chromium (playwright-core, Debian's /usr/bin/chromium): the decision summary, the budget
// slider and every chart are there, no text overflows its box, and moving the slider shows the plan that
// policy.atBudget(b) gives. Screenshots go to test-output/report/.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AllocationPolicy } from '../../src/policy/policy.js';
import type { ReportInput } from '../../src/report/types.js';
import { type WrittenReport, writeReport } from '../../src/report/write.js';
import { HEADLESS_CHROMIUM_ARGS } from '../helpers/chromium.js';
import { sampleReports } from './sample-hrc.js';

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(executablePath);
const OUTPUT = join(fileURLToPath(new URL('../../', import.meta.url)), 'test-output/report');
if (!haveChromium) {
  // Test code, not library code: say why the browser check is skipped.
  console.warn(`report browser test skipped: ${executablePath} is missing (install with: apt-get install -y chromium)`);
}

/** What overflows in the page: elements whose content is wider than their box, texts outside their chart. */
async function overflows(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const name = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.id !== '' ? `#${el.id}` : ''}${el.className !== '' && typeof el.className === 'string' ? `.${el.className}` : ''} "${(el.textContent ?? '').trim().slice(0, 40)}"`;
    if (document.documentElement.scrollWidth > window.innerWidth + 1)
      out.push(`page is ${document.documentElement.scrollWidth}px wide in a ${window.innerWidth}px window`);
    for (const el of Array.from(
      document.querySelectorAll('h1, h2, p, li, th, td, caption, figcaption, label, div.table, figure.chart'),
    )) {
      const h = el as HTMLElement;
      if (h.clientWidth > 0 && h.scrollWidth > h.clientWidth + 1)
        out.push(`${name(el)}: content ${h.scrollWidth}px in a ${h.clientWidth}px box`);
    }
    for (const svg of Array.from(document.querySelectorAll('svg'))) {
      const box = svg.getBoundingClientRect();
      for (const t of Array.from(svg.querySelectorAll('text'))) {
        const r = t.getBoundingClientRect();
        if (r.width === 0) continue;
        if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
          out.push(`svg text "${t.textContent}" outside its chart`);
        if ((t.textContent ?? '').endsWith('…')) out.push(`svg text "${t.textContent}" is cut`);
      }
    }
    return out;
  });
}

describe.skipIf(!haveChromium)('reports in headless Chromium', () => {
  let dir: string;
  let profile: string;
  let browser: BrowserContext;
  let policy: AllocationPolicy;
  let dispose: () => void = () => undefined;
  const files: Record<string, WrittenReport> = {};
  const inputs: Record<string, ReportInput> = {};

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hrc-report-browser-'));
    profile = await mkdtemp(join(tmpdir(), 'hrc-chromium-profile-'));
    await mkdir(OUTPUT, { recursive: true });
    const s = await sampleReports();
    policy = s.policy;
    dispose = s.dispose;
    for (const [name, input] of Object.entries(s.reports)) {
      inputs[name] = input;
      files[name] = await writeReport(join(dir, name), input, { generatedAt: '2026-01-01T00:00:00Z' });
    }
    browser = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: [...HEADLESS_CHROMIUM_ARGS],
      viewport: { width: 1280, height: 900 },
    });
  }, 300_000);

  afterAll(async () => {
    dispose();
    await browser?.close();
    await rm(profile, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  });

  async function open(name: string): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('request', (r) => {
      if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) errors.push(`request to ${r.url()}`);
    });
    await page.goto(pathToFileURL((files[name] as WrittenReport).html).href, { waitUntil: 'load' });
    if (inputs[name]?.plans !== undefined) await page.waitForSelector('body[data-budget-ready]', { timeout: 20_000 });
    return { page, errors };
  }

  for (const name of ['demo', 'compare', 'sections']) {
    it(`${name}: summary, slider and every chart are there, nothing overflows, no errors`, async () => {
      const { page, errors } = await open(name);
      const input = inputs[name] as ReportInput;
      const written = files[name] as WrittenReport;
      try {
        if (input.decision !== undefined) {
          // The decision comes first, in words, one sentence per budget (and one for profit mode).
          const first = await page.$eval('main > *', (el) => el.id);
          expect(first).toBe('decision');
          const items = await page.$$eval('#decision li', (li) => li.map((x) => x.textContent ?? ''));
          expect(items.length).toBe(input.decision.budgets.length + (input.decision.profit !== undefined ? 1 : 0));
          expect(items[0]).toMatch(/^At 0\.1 per user: /);
          if (input.decision.profit !== undefined) expect(items[items.length - 1]).toMatch(/^Profit mode/);
          expect(await page.locator('#decision table tbody tr').count()).toBe(input.decision.budgets.length);
        }
        if (input.plans !== undefined) {
          expect(await page.locator('#budget-controls input[type=range]').count()).toBe(1);
          expect(await page.locator('#plan-table tr[data-group]').count()).toBe(input.plans.groups.length);
        }
        const charts = await page.$$eval('figure.chart', (figs) =>
          figs.map((f) => {
            const svg = f.querySelector('svg');
            const box = svg?.getBoundingClientRect();
            return {
              id: f.getAttribute('data-chart'),
              width: box?.width ?? 0,
              height: box?.height ?? 0,
              marks: f.querySelectorAll(
                'svg .mark-line path, svg .mark-symbol path, svg .mark-rect path, svg .mark-area path, svg .mark-rule line',
              ).length,
              title: f.querySelector('svg .role-title-text text')?.textContent ?? '',
            };
          }),
        );
        expect(charts.map((c) => c.id)).toEqual(written.charts);
        expect(written.charts.length).toBeGreaterThan(2);
        for (const c of charts) {
          expect(c.width, `${c.id} width`).toBeGreaterThan(200);
          expect(c.height, `${c.id} height`).toBeGreaterThan(100);
          expect(c.marks, `${c.id} marks`).toBeGreaterThan(3);
          expect(c.title, `${c.id} title`).not.toBe('');
        }
        expect(await overflows(page)).toEqual([]);
        expect(errors).toEqual([]);
        await page.screenshot({ path: join(OUTPUT, `${name}.png`), fullPage: true });
      } finally {
        await page.close();
      }
    });
  }

  for (const name of ['demo', 'compare']) {
    it(`${name}: moving the slider shows the plan policy.atBudget(b) gives`, async () => {
      const { page, errors } = await open(name);
      try {
        const slider = page.locator('#budget-controls input[type=range]');
        await slider.focus();
        await page.keyboard.press('Home');
        const grid = policy.table.budgets;
        const svgs = new Set<string>();
        const seen = new Set<number>();
        for (let step = 0; step < grid.length; step++) {
          const value = Number(await slider.inputValue());
          await page.waitForFunction((v) => {
            const b = Number(document.getElementById('plan-text')?.getAttribute('data-budget'));
            return b <= v * (1 + 1e-9) + 1e-12;
          }, value);
          const shown = await page.$$eval('#plan-table tr[data-group]', (rows) =>
            rows.map((r) => ({ arm: Number(r.getAttribute('data-arm')), name: r.children[1]?.textContent ?? '' })),
          );
          const p = await policy.atBudget(value);
          const expected = Array.from(p.table.armsAt(value));
          expect(
            shown.map((s) => s.arm),
            `plan at ${value}`,
          ).toEqual(expected);
          expect(shown.map((s) => s.name)).toEqual(expected.map((j) => policy.treatmentNames[j]));
          const text = (await page.textContent('#plan-text')) ?? '';
          expect(text).toMatch(/^Plan for [\d.]+ per user/);
          seen.add(Number(await page.getAttribute('#plan-text', 'data-plan')));
          svgs.add(await page.$eval('#budget-chart svg', (s) => s.outerHTML));
          await page.keyboard.press('ArrowRight');
        }
        // Every grid plan was reached and the chart followed the slider.
        expect(seen.size).toBe(grid.length);
        expect(svgs.size).toBeGreaterThan(1);
        expect(await overflows(page)).toEqual([]);
        expect(errors).toEqual([]);
        await page.locator('#budget-section').screenshot({ path: join(OUTPUT, `${name}-budget-at-max.png`) });
      } finally {
        await page.close();
      }
    });
  }
});
