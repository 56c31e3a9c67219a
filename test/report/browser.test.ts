import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { writeReport } from '../../src/report/write.js';
import { HEADLESS_CHROMIUM_ARGS } from '../helpers/chromium.js';
import { sampleReportInput } from './sample.js';

const executablePath = '/usr/bin/chromium';
const haveChromium = existsSync(executablePath);
if (!haveChromium) {
  // Test code, not library code: say why the browser check is skipped.
  console.warn(`report browser test skipped: ${executablePath} is missing (install with: apt-get install -y chromium)`);
}

describe.skipIf(!haveChromium)('report in headless Chromium', () => {
  it('opens with every chart drawn as SVG marks', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hrc-report-browser-'));
    const profile = await mkdtemp(join(tmpdir(), 'hrc-chromium-profile-'));
    const files = await writeReport(dir, await sampleReportInput(), { generatedAt: '2026-01-01T00:00:00Z' });
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: [...HEADLESS_CHROMIUM_ARGS],
      viewport: { width: 1280, height: 900 },
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.goto(pathToFileURL(files.html).href, { waitUntil: 'load' });
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
      expect(charts.map((c) => c.id)).toEqual(files.charts);
      for (const c of charts) {
        expect(c.width, `${c.id} width`).toBeGreaterThan(200);
        expect(c.height, `${c.id} height`).toBeGreaterThan(100);
        expect(c.marks, `${c.id} marks`).toBeGreaterThan(3);
        expect(c.title, `${c.id} title`).not.toBe('');
      }
      expect(await page.locator('table').count()).toBeGreaterThan(3);
      expect(errors).toEqual([]);
      if (process.env.HRC_REPORT_SCREENSHOT !== undefined) {
        await page.screenshot({ path: process.env.HRC_REPORT_SCREENSHOT, fullPage: true });
      }
    } finally {
      await browser.close();
      await rm(profile, { recursive: true, force: true });
      await rm(dir, { recursive: true, force: true });
    }
  });
});
