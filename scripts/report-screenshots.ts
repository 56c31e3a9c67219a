// Regenerates the screenshots of docs/report.md: renders the sample reports (HRC on a small simulated trial, the
// same runs without truth as compare shows a trial file, and the fixture sections), opens each in headless
// Chromium and saves PNGs into docs/images/. Run: npx tsx scripts/report-screenshots.ts
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { writeReport } from '../src/report/write.js';
import { HEADLESS_CHROMIUM_ARGS } from '../test/helpers/chromium.js';
import { sampleReports } from '../test/report/sample-hrc.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const images = join(root, 'docs/images');
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

await mkdir(images, { recursive: true });
const dir = await mkdtemp(join(tmpdir(), 'hrc-report-shots-'));
const profile = await mkdtemp(join(tmpdir(), 'hrc-chromium-profile-'));
const samples = await sampleReports();
const browser = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  args: [...HEADLESS_CHROMIUM_ARGS],
  viewport: { width: 1280, height: 900 },
});
try {
  for (const [name, input] of Object.entries(samples.reports)) {
    const files = await writeReport(join(dir, name), input, { generatedAt: '2026-01-01T00:00:00Z' });
    const page = await browser.newPage();
    await page.goto(pathToFileURL(files.html).href, { waitUntil: 'load' });
    if (input.plans !== undefined) await page.waitForSelector('body[data-budget-ready]');
    // The first screen of each report (what a reader sees on opening it); the whole page and the budget section
    // of the demo report.
    await page.screenshot({ path: join(images, `report-${name}-top.png`) });
    if (name === 'demo') {
      await page.screenshot({ path: join(images, `report-${name}.png`), fullPage: true });
      await page.locator('#budget-section').screenshot({ path: join(images, `report-${name}-budget.png`) });
    }
    await page.close();
    process.stdout.write(`docs/images/report-${name}*.png\n`);
  }
} finally {
  await browser.close();
  samples.dispose();
  await rm(profile, { recursive: true, force: true });
  await rm(dir, { recursive: true, force: true });
}
