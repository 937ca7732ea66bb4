// browser.mjs - what the browser tests share: Debian's chromium with the
// flags the project runs it with (README), each context in a fresh profile
// directory that closeAll() closes and removes, and axe-core's WCAG 2.1 AA
// and best-practice rules.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const AXE = path.resolve('node_modules/axe-core/axe.min.js');
export const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                     '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TMP = process.env.SHISHI_TMP || os.tmpdir();
const AXE_RULES = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

// browsers(defaults): launch(opts) opens a persistent context (a phone's
// viewport and zh-CN unless defaults or opts say otherwise); closeAll()
// ends every one launched.
export function browsers(defaults = {}) {
  const open = [];
  return {
    async launch(opts = {}) {
      const dir = fs.mkdtempSync(path.join(TMP, 'chromium-'));
      const ctx = await chromium.launchPersistentContext(dir, {
        executablePath: '/usr/bin/chromium', headless: true, args: ARGS, locale: 'zh-CN',
        viewport: { width: 390, height: 844 }, ...defaults, ...opts,
      });
      open.push({ ctx, dir });
      return ctx;
    },
    async closeAll() {
      for (const { ctx, dir } of open.splice(0)) {
        await ctx.close().catch(() => {});
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

// The page's axe violations, one line each (empty when there are none).
// The script is injected by the DevTools protocol, which the page's CSP
// does not govern, so this runs under the real CSP too.
export async function axe(page) {
  await page.evaluate(fs.readFileSync(AXE, 'utf8'));
  const res = await page.evaluate((tags) => window.axe.run(document, {
    runOnly: { type: 'tag', values: tags },
  }), AXE_RULES);
  return res.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length}) ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

// Sign in through /login's form and wait for the page it leads to.
export async function signIn(page, base, user, password) {
  await page.goto(base + '/login');
  await page.fill('#user', user);
  await page.fill('#password', password);
  await Promise.all([page.waitForNavigation(), page.click('form.stack button[type=submit]')]);
}
