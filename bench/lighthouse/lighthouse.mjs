// lighthouse.mjs runs Lighthouse (mobile: its default Moto G Power
// emulation, simulated slow 4G and 4x CPU slowdown) on pages of a running
// site with Debian's chromium and prints the four category scores per page,
// the median of RUNS runs, with the failing audits of any category below 100:
//
//   node lighthouse.mjs [-runs N] [-out DIR] BASE_URL PATH…
//
// -out saves each run's JSON and HTML report there.
import fs from 'node:fs';
import path from 'node:path';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';

const args = process.argv.slice(2);
let runs = 3;
let out = '';
while (args.length && args[0].startsWith('-')) {
  const f = args.shift();
  if (f === '-runs') { runs = +args.shift(); } else if (f === '-out') { out = args.shift(); } else { usage(`unknown flag ${f}`); }
}
if (args.length < 2 || !(runs >= 1)) { usage('need a base URL and at least one path'); }
const [base, ...paths] = args;

function usage(msg) {
  console.error(`lighthouse.mjs: ${msg}\nusage: node lighthouse.mjs [-runs N] [-out DIR] BASE_URL PATH...`);
  process.exit(2);
}

const categories = ['performance', 'accessibility', 'best-practices', 'seo'];
const chromePath = process.env.CHROME_PATH || '/usr/bin/chromium';

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

const rows = [];
let failed = false;
for (const p of paths) {
  const url = new URL(p, base).href;
  const scores = Object.fromEntries(categories.map((c) => [c, []]));
  const metrics = { cls: [], lcp: [], fcp: [], tbt: [] };
  const problems = new Map();
  for (let i = 0; i < runs; i++) {
    // A fresh browser per run: nothing cached, as for a first visit.
    const chrome = await chromeLauncher.launch({
      chromePath,
      chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
    });
    try {
      const result = await lighthouse(url, { port: chrome.port, output: ['json', 'html'], logLevel: 'error', onlyCategories: categories });
      const lhr = result.lhr;
      if (lhr.runtimeError) { throw new Error(`${url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`); }
      for (const c of categories) {
        const cat = lhr.categories[c];
        scores[c].push(Math.round(cat.score * 100));
        if (cat.score < 1) {
          for (const ref of cat.auditRefs) {
            const a = lhr.audits[ref.id];
            if (ref.weight > 0 && a.score !== null && a.score < 1) {
              problems.set(`${c}: ${a.id} (${a.title}) ${a.displayValue || ''}`.trim(), true);
            }
          }
        }
      }
      metrics.cls.push(lhr.audits['cumulative-layout-shift'].numericValue);
      metrics.lcp.push(lhr.audits['largest-contentful-paint'].numericValue);
      metrics.fcp.push(lhr.audits['first-contentful-paint'].numericValue);
      metrics.tbt.push(lhr.audits['total-blocking-time'].numericValue);
      if (out) {
        fs.mkdirSync(out, { recursive: true });
        const name = (p.replace(/^\/|\/$/g, '').replace(/\//g, '_') || 'root') + '.' + (i + 1);
        fs.writeFileSync(path.join(out, name + '.json'), result.report[0]);
        fs.writeFileSync(path.join(out, name + '.html'), result.report[1]);
      }
    } finally {
      await chrome.kill();
    }
  }
  const row = { path: p };
  for (const c of categories) { row[c] = median(scores[c]); if (row[c] < 100) { failed = true; } }
  row.runs = scores;
  row.cls = median(metrics.cls);
  row.lcp = median(metrics.lcp);
  row.fcp = median(metrics.fcp);
  row.tbt = median(metrics.tbt);
  row.problems = [...problems.keys()];
  rows.push(row);
}

const pad = (s, n) => String(s).padStart(n);
const w = Math.max(6, ...rows.map((r) => r.path.length)) + 2;
console.log(`Lighthouse ${JSON.parse(fs.readFileSync(new URL('./node_modules/lighthouse/package.json', import.meta.url))).version}, mobile, median of ${runs} run(s)`);
console.log('');
console.log('page'.padEnd(w) + pad('perf', 6) + pad('a11y', 6) + pad('best', 6) + pad('seo', 6) + pad('FCP ms', 8) + pad('LCP ms', 8) + pad('TBT ms', 8) + pad('CLS', 7));
for (const r of rows) {
  console.log(r.path.padEnd(w) + pad(r.performance, 6) + pad(r.accessibility, 6) + pad(r['best-practices'], 6) + pad(r.seo, 6) +
    pad(Math.round(r.fcp), 8) + pad(Math.round(r.lcp), 8) + pad(Math.round(r.tbt), 8) + pad(r.cls.toFixed(3), 7));
}
for (const r of rows) {
  if (r.problems.length) {
    console.log(`\n${r.path}: audits below 100 in some run (scores per run: ${categories.map((c) => c + ' ' + r.runs[c].join('/')).join(', ')}):`);
    for (const pr of r.problems) { console.log('  ' + pr); }
  }
}
process.exit(failed ? 1 : 0);
