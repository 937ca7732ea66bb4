// print.test.mjs - the pages on paper (site.css's @media print and
// /print.css): with the print media emulated, no navigation, search form,
// buttons or download links show, the as-of line and the footer do, the
// tables are not clipped and repeat their heads, and the print stylesheet
// puts the as-of day in the page margin; printed to PDF, a page of many
// rows runs over several sheets and every sheet carries the as-of day.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { browsers } from './browser.mjs';
import { startServer } from '../api/server.mjs';

process.env.SHISHI_TODAY = '2026-07-10';
const chrome = browsers({ viewport: { width: 1024, height: 800 } });
let srv;

before(async () => {
  srv = await startServer();
});
after(async () => {
  await chrome.closeAll();
  assert.equal(await srv.stop(), 0);
});

// What shows of the page as printed.
async function printed(page) {
  return page.evaluate(() => {
    const shown = (el) => !!el && getComputedStyle(el).display !== 'none' &&
      el.getClientRects().length > 0;
    const all = (sel) => [...document.querySelectorAll(sel)];
    return {
      nav: all('nav').filter(shown).length,
      forms: all('form').filter(shown).length,
      buttons: all('button').filter(shown).length,
      downloads: all('.downloads').filter(shown).length,
      asof: shown(document.querySelector('.asof')),
      footer: shown(document.querySelector('footer.site')) ?
        document.querySelector('footer.site').textContent : '',
      printCss: [...document.querySelectorAll('link[rel=stylesheet][media=print]')]
        .map((l) => l.getAttribute('href')),
      thead: all('thead').map((t) => getComputedStyle(t).display),
      clipped: all('.table-wrap').filter((w) => getComputedStyle(w).overflowX !== 'visible').length,
      after: all('main a[href]').map((a) => getComputedStyle(a, '::after').content)
        .filter((c) => c && c !== 'none' && c !== 'normal').length,
    };
  });
}

test('printed, a page keeps its content and the as-of day, without navigation or forms', async () => {
  const ctx = await chrome.launch();
  const page = await ctx.newPage();
  for (const p of ['/', '/orgs/65', '/targets/1?org=65', '/targets/1?org=65&lang=en', '/bulletins']) {
    await page.goto(srv.base + p);
    await page.emulateMedia({ media: 'screen' });
    const screen = await printed(page);
    assert.ok(screen.nav > 0 && screen.forms > 0, `${p}: the screen has navigation and the search form`);
    await page.emulateMedia({ media: 'print' });
    const paper = await printed(page);
    assert.equal(paper.nav, 0, `${p}: no navigation on paper`);
    assert.equal(paper.forms, 0, `${p}: no form on paper`);
    assert.equal(paper.buttons, 0, `${p}: no button on paper`);
    assert.equal(paper.downloads, 0, `${p}: no download links on paper`);
    assert.ok(paper.footer.includes('2026-07-10'), `${p}: the footer's as-of day is printed`);
    assert.equal(paper.printCss.length, 1, `${p}: links the print stylesheet`);
    const css = await (await fetch(srv.base + paper.printCss[0])).text();
    assert.match(css, /@page\{@bottom-left\{content:"[^"]*2026-07-10"/, `${p}: every sheet's foot has the day`);
    if (p !== '/bulletins') assert.ok(paper.asof, `${p}: the as-of line is printed`);
    assert.ok(paper.thead.every((d) => d === 'table-header-group'), `${p}: table heads repeat`);
    assert.equal(paper.clipped, 0, `${p}: no table clipped to its scroll box`);
    assert.equal(paper.after, 0, `${p}: no link's address printed after it`);
  }
  await page.close();
});

test('printed to PDF, every sheet of a long page carries the as-of day', async () => {
  const ctx = await chrome.launch();
  const page = await ctx.newPage();
  await page.goto(srv.base + '/orgs/65');
  const file = path.join(srv.dir, 'org.pdf');
  fs.writeFileSync(file, await page.pdf({ format: 'A4' }));
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  const pages = Number(/Pages:\s+(\d+)/.exec(info)[1]);
  assert.ok(pages >= 2, `the page's 51 targets run over several sheets (${pages})`);
  for (let k = 1; k <= pages; k++) {
    const text = execFileSync('pdftotext', ['-f', String(k), '-l', String(k), file, '-'],
                              { encoding: 'utf8' });
    assert.ok(text.includes('2026-07-10'), `sheet ${k} of ${pages} carries the as-of day`);
    assert.ok(!text.includes('搜索指标和地区'), `sheet ${k}: no search form`);
  }
  await page.close();
});
