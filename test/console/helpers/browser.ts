/**
 * Browser-test helpers: Debian's Chromium driven by playwright-core (one
 * browser per test file), sign-in through the real form, axe-core checks and
 * screenshots under test-output/screenshots/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.EDOC_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = fileURLToPath(new URL('../../../test-output/screenshots/', import.meta.url));
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Why browser tests cannot run here, or null when they can. */
export function browserSkipReason(): string | null {
  return existsSync(CHROMIUM) ? null : `${CHROMIUM} is missing: install Debian's Chromium (apt-get install -y chromium) to run the console browser tests`;
}

export interface TestBrowser {
  browser: Browser;
  /** A fresh context (own cookies), HTTPS errors ignored (the hub uses the dev CA). Playwright gives each launch a fresh temporary profile. */
  context(): Promise<BrowserContext>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    // bypassCSP: the console forbids scripts; the test injects axe-core on purpose.
    context: () => browser.newContext({ ignoreHTTPSErrors: true, bypassCSP: true, acceptDownloads: true, locale: 'vi-VN', viewport: { width: 1280, height: 900 } }),
    close: () => browser.close(),
  };
}

/** Signs in through the form using the keyboard only: type, Tab to the button, Enter. */
export async function signIn(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/console/login`);
  await page.getByLabel(/Tên đăng nhập|Username/).fill(username);
  await page.getByLabel(/Mật khẩu|Password/).fill(password);
  await page.getByLabel(/Mật khẩu|Password/).focus();
  await page.keyboard.press('Tab');
  {
    const focused = await page.locator(':focus').getAttribute('type');
    if (focused !== 'submit') throw new Error(`Tab from the password field reached ${focused ?? 'nothing'}, not the sign-in button`);
  }
  await Promise.all([page.waitForEvent('framenavigated'), page.keyboard.press('Enter')]);
  await page.waitForLoadState('load');
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: unknown[];
}

/** Runs axe-core in the page; answers the serious and critical violations. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    const r = await axe.run();
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3) }));
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Writes a full-page screenshot to test-output/screenshots/NAME.png and answers its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
