// Node tests of the compatibility script: node --test internal/compat/
// (Node 20+, no npm packages). They hold compat.js (the source) and the
// scripts compat.Script builds (testdata/*.golden.js, written by
// `go test ./internal/compat -update`) to real User-Agent strings, to the
// rules, and to a fake DOM for the banner itself.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");
const { execFileSync } = require("node:child_process");

const SOURCE = path.join(__dirname, "compat.js");
const GOLDEN = path.join(__dirname, "testdata", "compat.golden.js"); // README rules
const GOLDEN60 = path.join(__dirname, "testdata", "compat.chrome60.golden.js"); // chrome raised to 60
const BOWSER = path.join(__dirname, "testdata", "useragents-bowser.yml");

const { detect } = require(SOURCE);

// The rules of the README's example article.
const README_RULES = {
  supported: { chrome: "47", firefox: "38.5", safari: "9", ie: "11" },
  recommended: { chrome: "47", firefox: "43", safari: "9", ie: "11" },
};

// Every browser at version 1: any browser detect recognises, with a
// version, comes out "recommended"; so the corpus test checks recognition
// (browser, version, bot, unknown) and the threshold tests check the rest.
const LOW = { chrome: "1", firefox: "1", safari: "1", ie: "1", edge: "1", ios: "1" };
const LOW_RULES = { supported: LOW, recommended: LOW };

// ---------------------------------------------------------------------------
// The bowser corpus: 265 real User-Agents with bowser's browser and OS.

// parseBowser reads testdata/useragents-bowser.yml, whose shape is fixed:
// "  Category:", "-" (or "- ua: ..."), "ua: ...", then spec: browser/os/platform/engine
// blocks of "name:" and "version:" lines (indentation varies). Values are
// single- or double-quoted.
function parseBowser(file) {
  const entries = [];
  let category = "", entry = null, block = "";
  const unquote = (s) => {
    s = s.trim();
    if ((s[0] === '"' || s[0] === "'") && s[s.length - 1] === s[0]) return s.slice(1, -1);
    return s;
  };
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    let m;
    if ((m = /^ {2}(\S.*):\s*$/.exec(line))) {
      category = m[1];
    } else if ((m = /^\s+-\s*(?:ua:\s*(.*))?$/.exec(line))) {
      entry = { category, ua: m[1] === undefined ? null : unquote(m[1]), browser: {}, os: {} };
      entries.push(entry);
    } else if ((m = /^\s+ua:\s*(.*)$/.exec(line))) {
      entry.ua = unquote(m[1]);
    } else if ((m = /^\s+(spec|browser|os|platform|engine):\s*(\{\})?\s*$/.exec(line))) {
      block = m[1];
    } else if ((m = /^\s+(name|version):\s*(.*)$/.exec(line)) && (block === "browser" || block === "os")) {
      entry[block][m[1]] = unquote(m[2]);
    }
  }
  return entries;
}

// How a bowser entry maps to what detect says (browser key, version):
//   - crawlers and headless browsers (BOTS) → status "bot";
//   - os.name "iOS" → "ios", bowser's OS version (every iOS browser is
//     Apple's WebKit, judged by the iOS version);
//   - Chrome, Chromium → "chrome"; Firefox → "firefox"; Internet Explorer →
//     "ie"; Safari → "safari"; Microsoft Edge → "edge": bowser's browser
//     version, cut to the parts a User-Agent shows (chrome, firefox, ie: 1;
//     edge: 2; safari, ios: 3);
//   - every other category → "unknown";
// except the User-Agents in EXCEPTIONS, each with its reason: mostly
// Chromium and Gecko derivatives, which bowser names by product and version
// but detect judges by their engine (the Chrome/ or Firefox/ version).
const BOTS = new Set([
  "Googlebot", "GPTBot", "ChatGPT-User", "OAI-SearchBot", "ClaudeBot", "Omgilibot",
  "Meta-WebIndexer", "Meta-ExternalAds", "Meta-ExternalAgent", "Meta-ExternalFetcher",
  "Diffbot", "PerplexityBot", "Perplexity-User", "YouBot", "AmazonBot", "BingCrawler",
  "BaiduSpider", "DuckDuckBot", "InternetArchiveCrawler", "FacebookExternalHit", "SlackBot",
  "Linespider", "YahooSlurp", "YandexBot", "PingdomBot",
  "PhantomJS", "SlimerJS", // headless browsers: automation, not readers
]);
const CATEGORY_KEY = {
  "Chrome": "chrome", "Chromium": "chrome", "Firefox": "firefox",
  "Internet Explorer": "ie", "Safari": "safari", "Microsoft Edge": "edge",
};
const PRECISION = { chrome: 1, firefox: 1, ie: 1, edge: 2, safari: 3, ios: 3 };

const cut = (v, key) => String(v).split(".").slice(0, PRECISION[key]).join(".");

// EXCEPTIONS: User-Agent → [browser, version, why].
const EXCEPTIONS = new Map([
  // Chromium derivatives: the Chrome engine version, not the product's.
  ...[
    ["Mozilla/5.0 (Linux; Android 4.4.2; Nexus 7 Build/KOT49H) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/32.0.1700.72 Safari/537.36 OPR/19.0.1340.69721", "32"],
    ["Mozilla/5.0 (Linux; Android 4.3; Galaxy Nexus Build/JWR66Y) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/32.0.1700.72 Mobile Safari/537.36 OPR/19.0.1340.69721", "32"],
    ["Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/28.0.1500.52 Safari/537.36 OPR/15.0.1147.100", "28"],
    ["Mozilla/5.0 (Linux; U; Android 6.0; R1 HD Build/MRA58K; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/52.0.2743.98 Mobile Safari/537.36 OPR/18.0.2254.106542", "52"],
    ["Mozilla/5.0 (Linux; Android 7.0; SM-A520F Build/NRD90M; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/65.0.3325.109 Mobile Safari/537.36 OPT/1.0.9", "65"],
    ["Mozilla/5.0 (Macintosh; Intel Mac OS X 10_10_3) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/41.0.2272.118 YaBrowser/15.4.2272.3420 (beta) Yowser/2.0 Safari/537.36", "41"],
    ["Mozilla/5.0 (Linux; Android 5.1.1; Nexus 5 Build/LMY48B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/41.0.2272.118 YaBrowser/15.4.2272.3608.00 Mobile Safari/537.36", "41"],
    ["Mozilla/5.0 (Linux; Android 8.0; Pixel XL Build/OPP3.170518.006) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/58.0.3029.0 Mobile Safari/537.36 EdgA/41.1.35.1", "58"],
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/74.0.3729.48 Safari/537.36 Edg/74.1.96.24", "74"],
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/75.0.3739.0 Safari/537.36 Edg/75.0.109.0", "75"],
    ["Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/45.0.2454.99 Safari/537.36 Vivaldi/1.0.303.52", "45"],
    ["Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/45.0.2454.99 Safari/537.36 Vivaldi/1.0.303.52", "45"],
    ["Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/144.0.0.0 Safari/537.36 Vivaldi/7.8.3925.66", "144"],
    ["Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Chrome/39.0.2171.95 Safari/537.36 MicroMessenger/6.5.2.501 NetType/WIFI WindowsWechat", "39"],
    ["Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.1 (KHTML, like Gecko) Maxthon/4.1.0.4000 Chrome/26.0.1410.43 Safari/537.1", "26"],
    ["Mozilla/5.0 (X11; U; Linux x86_64; zh-TW) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/30.0.1599.114 Safari/537.36 Puffin/3.7.0IT", "30"],
    ["Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/39.0.2171.95 Safari/537.36 Sleipnir/6.1.4", "39"],
    ["Mozilla/5.0 (Linux; Android 5.0.2; SAMSUNG SM-G925F Build/LRX22G) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/4.0 Chrome/44.0.2403.133 Mobile Safari/537.36", "44"],
    ["Mozilla/5.0 (Linux; Android 5.1.1; SM-G9280 Build/LMY47X; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/37.0.0.0 Mobile Safari/537.36 SogouMobileBrowser/3.5.3", "37"],
    ["Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/49.0.2623.221 Safari/537.36 SE 2.X MetaSr 1.0", "49"],
    ["Mozilla/5.0 (Macintosh; Intel Mac OS X 10_12_6) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/60.0.3112.113 Whale/1.0.40.10 Safari/537.36", "60"],
    ["Mozilla/5.0 (Linux; U; Android 6.0; zh-CN; MZ-PRO 6 Build/MRA58K) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/40.0.2214.89 MZBrowser/6.9.511-2018012510 UWS/2.11.0.33 Mobile Safari/537.36", "40"],
    ["Mozilla/5.0 (Linux; Android 7.1.1) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Focus/1.2.1 Chrome/59.0.3071.125", "59"],
    ["Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/55.0.2883.105 Safari/537.36 Swing/4.2.4.0", "55"],
    ["Mozilla/5.0 (Linux; U; Android 9; zh-cn; DUK-AL20 Build/HUAWEIDUK-AL20) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/66.0.3359.126 MQQBrowser/9.6 Mobile Safari/537.36", "66"],
    ["Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/53.0.2785.104 Safari/537.36 Core/1.53.2141.400 QQBrowser/9.5.10219.400", "53"],
    ["Mozilla/5.0 (Macintosh; Intel Mac OS X 10_10_5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/43.0.2357.134 Safari/537.36 QQBrowser/3.8.3858.400", "43"],
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) my-app/1.0.0 Chrome/78.0.3904.113 Electron/7.1.2 Safari/537.36", "78"],
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/76.0.3809.146 Electron/6.1.5 Safari/537.36", "76"],
    ["Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/78.0.3904.113 Electron/7.1.2 Safari/537.36", "78"],
    ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/78.0.3904.113 Electron/7.1.2 Safari/537.36", "78"],
    ["Mozilla/5.0 (Linux; U; Android 9; fr-fr; Redmi Note 8 Pro Build/PPR1.180610.011) AppleWebKit/537.36 (KHTML like Gecko) Version/4.0 Chrome/71.0.3578.141 Mobile Safari/537.36 XiaoMi/MiuiBrowser/11.9.3-", "71"],
    ["Mozilla/5.0 (Linux; U; Android 9; fr-fr; Redmi Note 8 Pro Build/PPR1.180610.011) AppleWebKit/537.36 (KHTML like Gecko) Version/4.0 Chrome/71.0.3578.141 Mobile Safari/537.36 XiaoMi/MiuiBrowser", "71"],
  ].map(([ua, v]) => [ua, ["chrome", v, "Chromium derivative: Chrome engine version"]]),
  // Gecko derivatives: the Firefox (Gecko) version.
  ...[
    ["Mozilla/5.0 (X11; Linux x86_64; rv:124.0) Gecko/20100101 LibreWolf/124.0.2", "124"],
    ["Mozilla/5.0 (Windows NT 5.2; rv:10.0.1) Gecko/20100101 Firefox/10.0.1 SeaMonkey/2.7.1", "10"],
    ["Mozilla/5.0 (Macintosh; Intel Mac OS X 10.5; rv:10.0.1) Gecko/20100101 Firefox/10.0.1 SeaMonkey/2.7.1", "10"],
    ["Mozilla/5.0 (X11; Linux i686; rv:10.0.1) Gecko/20100101 Firefox/10.0.1 SeaMonkey/2.7.1", "10"],
    ["Mozilla/5.0 (Windows NT 6.1; WOW64; rv:24.0) Gecko/20140105 Firefox/24.0 K-Meleon/74.0", "24"],
    ["Mozilla/5.0 (Maemo; Linux; U; Jolla; Sailfish; Mobile; rv:26.0) Gecko/26.0 Firefox/26.0 SailfishBrowser/1.0 like Safari/538.1", "26"],
    ["Mozilla/5.0 (Linux; U; Jolla; Sailfish; Mobile; rv:20.0) Gecko/20.0 Firefox/20.0 Sailfish Browser/1.0 like Safari/535.19", "20"],
  ].map(([ua, v]) => [ua, ["firefox", v, "Gecko derivative: Firefox engine version"]]),
  // Desktop-mode iPad browsers: a Mac User-Agent, the iOS version only in Version/.
  ["Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/21.0 Version/13.0.3 Safari/605.1.15",
    ["ios", "13.0.3", "FxiOS on an iPad in desktop mode: iOS version from Version/"]],
  ["Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/24.1 Safari/605.1.15",
    ["ios", "", "FxiOS on an iPad in desktop mode without Version/: iOS version unknown"]],
  ["Mozilla/5.0 (iPhone; U; CPU like Mac OS X; en) AppleWebKit/420+ (KHTML, like Gecko) Version/3.0 Mobile/1A543a Safari/419.3",
    ["ios", "3.0", "iPhone OS 1 names no OS version; Version/3.0 stands in"]],
  ["Mozilla/5.0 (iPod; U; CPU like Mac OS X; en) AppleWebKit/420.1 (KHTML, like Gecko) Version/3.0 Mobile/4A93 Safari/419.3",
    ["ios", "3.0", "iPhone OS 1 names no OS version; Version/3.0 stands in"]],
  // IE: the Trident engine tells the real version when MSIE is older.
  ["Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/5.0; SLCC2; .NET CLR 2.0.50727; .NET CLR 3.5.30729; .NET CLR 3.0.30729; Media Center PC 6.0; .NET4.0C)",
    ["ie", "9", "Trident/5.0 is IE 9 in IE 8 mode"]],
  // Apple-platform WebKit apps that send Version/: the system Safari engine.
  ["Mozilla/5.0 (Macintosh; Intel Mac OS X 10_13_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/11.1.3 Safari/605.1.15 QQBrowserLite/1.2.5",
    ["safari", "11.1.3", "macOS WebKit view: the system Safari version"]],
  // Not Safari, though bowser files them there: no Apple desktop platform.
  ["Mozilla/5.0 (X11; U; Linux x86_64; en-us) AppleWebKit/531.2+ (KHTML, like Gecko) Version/5.0 Safari/531.2+",
    ["", "", "WebKitGTK on Linux, not Safari"]],
  ["Mozilla/5.0 (SmartHub; SMART-TV; U; Linux/SmartTV) AppleWebKit/531.2+ (KHTML, like Gecko) WebBrowser/1.0 SmartTV Safari/531.2+",
    ["", "", "a TV browser, not Safari"]],
]);

test("bowser corpus: every User-Agent maps as documented", () => {
  const entries = parseBowser(BOWSER);
  assert.equal(entries.length, 265, "entries parsed from the bowser corpus");
  const used = new Set();
  const failures = [];
  for (const e of entries) {
    let want;
    if (EXCEPTIONS.has(e.ua)) {
      const [browser, version] = EXCEPTIONS.get(e.ua);
      used.add(e.ua);
      want = { browser, version, status: browser && version ? "recommended" : "unknown" };
    } else if (BOTS.has(e.category)) {
      want = { browser: "", version: "", status: "bot" };
    } else if (e.os.name === "iOS") {
      want = { browser: "ios", version: cut(e.os.version, "ios"), status: e.os.version ? "recommended" : "unknown" };
    } else if (CATEGORY_KEY[e.category]) {
      const key = CATEGORY_KEY[e.category];
      want = { browser: key, version: cut(e.browser.version, key), status: "recommended" };
    } else {
      want = { browser: "", version: "", status: "unknown" };
    }
    const got = detect(e.ua, LOW_RULES);
    try {
      assert.deepEqual(got, want);
    } catch {
      failures.push(`${e.category}: ${e.ua}\n    got  ${JSON.stringify(got)}\n    want ${JSON.stringify(want)}`);
    }
  }
  assert.deepEqual(failures, [], failures.length + " User-Agents disagree");
  const unused = [...EXCEPTIONS.keys()].filter((ua) => !used.has(ua));
  assert.deepEqual(unused, [], "EXCEPTIONS lists User-Agents that are not in the corpus");
});

// ---------------------------------------------------------------------------
// Our own User-Agents, one or more for every rule and trap of the issue.
// [what, User-Agent, browser, version, status under README_RULES]

const OWN = [
  // Chrome, and Chromium derivatives by their Chrome engine version.
  ["Chrome 40", "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/40.0.2214.115 Safari/537.36", "chrome", "40", "unsupported"],
  ["Chrome 46", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/46.0.2490.86 Safari/537.36", "chrome", "46", "unsupported"],
  ["Chrome 47", "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/47.0.2526.106 Safari/537.36", "chrome", "47", "recommended"],
  ["Chrome 50", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/50.0.2661.102 Safari/537.36", "chrome", "50", "recommended"],
  ["Chrome 120, reduced User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36", "chrome", "120", "recommended"],
  ["Chrome on Android, reduced", "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36", "chrome", "120", "recommended"],
  ["Chromium", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Ubuntu Chromium/44.0.2403.89 Chrome/44.0.2403.89 Safari/537.36", "chrome", "44", "unsupported"],
  ["Edge (Chromium) Edg/", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91", "chrome", "120", "recommended"],
  ["Edge for Android EdgA/", "Mozilla/5.0 (Linux; Android 10; HD1913) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.6045.163 Mobile Safari/537.36 EdgA/119.0.2151.78", "chrome", "119", "recommended"],
  ["Opera OPR/ on an old engine", "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/45.0.2454.85 Safari/537.36 OPR/32.0.1948.25", "chrome", "45", "unsupported"],
  ["Opera OPR/ 105", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36 OPR/105.0.0.0", "chrome", "119", "recommended"],
  ["Opera GX", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Safari/537.36 OPR/104.0.0.0 (Edition std-1)", "chrome", "118", "recommended"],
  ["Samsung Internet 23", "Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36", "chrome", "115", "recommended"],
  ["Samsung Internet 3 (Chrome 38 engine)", "Mozilla/5.0 (Linux; Android 5.0; SAMSUNG SM-N900 Build/LRX21V) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/2.1 Chrome/34.0.1847.76 Mobile Safari/537.36", "chrome", "34", "unsupported"],
  ["Yandex YaBrowser", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 YaBrowser/23.11.0.0 Safari/537.36", "chrome", "118", "recommended"],
  ["Vivaldi", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Vivaldi/6.5.3206.48", "chrome", "120", "recommended"],
  ["Android WebView ; wv)", "Mozilla/5.0 (Linux; Android 12; Pixel 6 Build/SD1A.210817.023; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/94.0.4606.71 Mobile Safari/537.36", "chrome", "94", "recommended"],
  ["Android WebView on an old engine", "Mozilla/5.0 (Linux; Android 5.0; Nexus 5 Build/LRX21O; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/37.0.0.0 Mobile Safari/537.36", "chrome", "37", "unsupported"],
  ["Facebook in-app, Android (FB_IAB/FBAV)", "Mozilla/5.0 (Linux; Android 11; SM-A515F Build/RP1A.200720.012; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/96.0.4664.104 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/347.0.0.34.118;]", "chrome", "96", "recommended"],
  ["Instagram in-app, Android", "Mozilla/5.0 (Linux; Android 12; SM-G991B Build/SP1A.210812.016; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/103.0.5060.129 Mobile Safari/537.36 Instagram 243.1.0.14.111 Android (31/12; 480dpi; 1080x2176; samsung; SM-G991B; o1s; exynos2100; en_US; 382290498)", "chrome", "103", "recommended"],
  ["LinkedIn in-app, Android", "Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230805.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/114.0.5735.196 Mobile Safari/537.36 [LinkedInApp]/4.1.850", "chrome", "114", "recommended"],
  ["Electron app", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Teams/1.6.00.4472 Chrome/91.0.4472.164 Electron/13.6.6 Safari/537.36", "chrome", "91", "recommended"],
  ["CUBOT phone is not a bot", "Mozilla/5.0 (Linux; Android 9; CUBOT_X19) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/74.0.3729.136 Mobile Safari/537.36", "chrome", "74", "recommended"],
  // Legacy EdgeHTML: not in README_RULES, so not supported.
  ["legacy Edge 18 Edge/", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.102 Safari/537.36 Edge/18.17763", "edge", "18.17763", "unsupported"],
  ["legacy Edge 15 on Windows Phone", "Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1; Microsoft; Lumia 950) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/52.0.2743.116 Mobile Safari/537.36 Edge/15.15063", "edge", "15.15063", "unsupported"],
  ["legacy Edge on Xbox", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; Xbox; Xbox One) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.102 Safari/537.36 Edge/18.19041", "edge", "18.19041", "unsupported"],
  // Internet Explorer: Trident tells the truth, MSIE may not.
  ["IE 11", "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko", "ie", "11", "recommended"],
  ["IE 11 on Windows 7", "Mozilla/5.0 (Windows NT 6.1; Trident/7.0; rv:11.0) like Gecko", "ie", "11", "recommended"],
  ["IE 11 in Compatibility View (MSIE 7.0 + Trident/7.0)", "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 10.0; WOW64; Trident/7.0; .NET4.0C; .NET4.0E; .NET CLR 2.0.50727; .NET CLR 3.0.30729; .NET CLR 3.5.30729)", "ie", "11", "recommended"],
  ["IE 11 in Compatibility View on Windows 7", "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 6.1; Trident/7.0; SLCC2; .NET CLR 2.0.50727)", "ie", "11", "recommended"],
  ["IE 10", "Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.1; Trident/6.0)", "ie", "10", "unsupported"],
  ["IE 10 in Compatibility View", "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 6.2; Trident/6.0)", "ie", "10", "unsupported"],
  ["IE 9", "Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; Trident/5.0)", "ie", "9", "unsupported"],
  ["IE 8", "Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0)", "ie", "8", "unsupported"],
  ["IE 7 (no Trident)", "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 6.0)", "ie", "7", "unsupported"],
  ["IE Mobile 11 pretending to be iOS", "Mozilla/5.0 (Mobile; Windows Phone 8.1; Android 4.0; ARM; Trident/7.0; Touch; rv:11.0; IEMobile/11.0; NOKIA; Lumia 635) like iPhone OS 7_0_3 Mac OS X AppleWebKit/537 (KHTML, like Gecko) Mobile Safari/537", "ie", "11", "recommended"],
  // Firefox: the User-Agent shows only the major version.
  ["Firefox 38.5 ESR sends Firefox/38.0", "Mozilla/5.0 (Windows NT 6.1; WOW64; rv:38.0) Gecko/20100101 Firefox/38.0", "firefox", "38", "supported"],
  ["Firefox 37", "Mozilla/5.0 (Windows NT 6.1; WOW64; rv:37.0) Gecko/20100101 Firefox/37.0", "firefox", "37", "unsupported"],
  ["Firefox 42", "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:42.0) Gecko/20100101 Firefox/42.0", "firefox", "42", "supported"],
  ["Firefox 43", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.11; rv:43.0) Gecko/20100101 Firefox/43.0", "firefox", "43", "recommended"],
  ["Firefox 121 for Android", "Mozilla/5.0 (Android 13; Mobile; rv:121.0) Gecko/121.0 Firefox/121.0", "firefox", "121", "recommended"],
  ["Pale Moon (Goanna) is not Firefox", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:102.0) Gecko/20100101 Goanna/6.5 Firefox/102.0 PaleMoon/32.5.0", "", "", "unknown"],
  // Safari by Version/.
  ["Safari 8", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_10_5) AppleWebKit/600.8.9 (KHTML, like Gecko) Version/8.0.8 Safari/600.8.9", "safari", "8.0.8", "unsupported"],
  ["Safari 9.1.2", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_6) AppleWebKit/601.7.7 (KHTML, like Gecko) Version/9.1.2 Safari/601.7.7", "safari", "9.1.2", "recommended"],
  ["Safari 17.4.1", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15", "safari", "17.4.1", "recommended"],
  ["Safari 5.1.7 for Windows", "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/534.57.2 (KHTML, like Gecko) Version/5.1.7 Safari/534.57.2", "safari", "5.1.7", "unsupported"],
  ["Kindle Silk posing as a Mac", "Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10_6_3; en-us; Silk/1.1.0-80) AppleWebKit/533.16 (KHTML, like Gecko) Version/5.0 Safari/533.16 Silk-Accelerated=true", "", "", "unknown"],
  // Every iOS browser by the iOS version (OS 12_4 → 12.4); README_RULES
  // name no ios, so safari's 9 applies.
  ["iOS Safari 12.4", "Mozilla/5.0 (iPhone; CPU iPhone OS 12_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.1.2 Mobile/15E148 Safari/604.1", "ios", "12.4", "recommended"],
  ["iOS Chrome CriOS on 12.4", "Mozilla/5.0 (iPhone; CPU iPhone OS 12_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/76.0.3809.123 Mobile/15E148 Safari/605.1", "ios", "12.4", "recommended"],
  ["iOS Firefox FxiOS on 12.4", "Mozilla/5.0 (iPhone; CPU iPhone OS 12_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/18.1 Mobile/16B92 Safari/605.1.15", "ios", "12.4", "recommended"],
  ["iOS Edge EdgiOS on 12.4.1", "Mozilla/5.0 (iPhone; CPU iPhone OS 12_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.0 EdgiOS/44.8.3 Mobile/15E148 Safari/605.1.15", "ios", "12.4.1", "recommended"],
  ["iOS Chrome on an old iOS (CriOS 71 on iOS 8.4)", "Mozilla/5.0 (iPhone; CPU iPhone OS 8_4 like Mac OS X) AppleWebKit/600.1.4 (KHTML, like Gecko) CriOS/71.0.3578.89 Mobile/12H143 Safari/600.1.4", "ios", "8.4", "unsupported"],
  ["iOS Facebook in-app (FBAN/FBIOS)", "Mozilla/5.0 (iPhone; CPU iPhone OS 15_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBDV/iPhone13,2;FBMD/iPhone;FBSN/iOS;FBSV/15.1;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5]", "ios", "15.1", "recommended"],
  ["iOS Instagram in-app", "Mozilla/5.0 (iPhone; CPU iPhone OS 14_8 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 210.0.0.16.68 (iPhone12,1; iOS 14_8; en_US; en-US; scale=2.00; 828x1792; 327258223)", "ios", "14.8", "recommended"],
  ["iOS LinkedIn in-app", "Mozilla/5.0 (iPhone; CPU iPhone OS 16_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [LinkedInApp]/9.27.5", "ios", "16.5", "recommended"],
  ["iPad iOS 8.1 in-app, below safari 9", "Mozilla/5.0 (iPad; CPU OS 8_1 like Mac OS X) AppleWebKit/600.1.4 (KHTML, like Gecko) Mobile/12B410 [FBAN/FBIOS;FBAV/20.1.0.15.10;FBBV/5758778;FBDV/iPad4,1;FBMD/iPad;FBSN/iPhone OS;FBSV/8.1;FBSS/2; FBCR/;FBID/tablet;FBLC/en_US;FBOP/1]", "ios", "8.1", "unsupported"],
  ["iOS 26 Safari: OS frozen at 18_6, Version/26.0", "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.0 Mobile/15E148 Safari/604.1", "ios", "26.0", "recommended"],
  // Crawlers, headless browsers and scripts: bots get nothing.
  ["Googlebot", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "", "", "bot"],
  ["Googlebot smartphone (Chrome inside)", "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.71 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "", "", "bot"],
  ["Google-InspectionTool", "Mozilla/5.0 (compatible; Google-InspectionTool/1.0;)", "", "", "bot"],
  ["Mediapartners-Google", "Mediapartners-Google", "", "", "bot"],
  ["bingbot", "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", "", "", "bot"],
  ["Applebot", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1)", "", "", "bot"],
  ["Twitterbot", "Twitterbot/1.0", "", "", "bot"],
  ["curl", "curl/8.4.0", "", "", "bot"],
  ["Wget", "Wget/1.21.4", "", "", "bot"],
  ["python-requests", "python-requests/2.31.0", "", "", "bot"],
  ["Go http client", "Go-http-client/1.1", "", "", "bot"],
  ["HeadlessChrome (automation, prerendering)", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.109 Safari/537.36", "", "", "bot"],
  ["Lighthouse", "Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse", "", "", "bot"],
  // Anything unrecognised is unknown and gets nothing.
  ["empty", "", "", "", "unknown"],
  ["bare Mozilla", "Mozilla/5.0", "", "", "unknown"],
  ["Opera 12 (Presto)", "Opera/9.80 (Windows NT 6.1; WOW64) Presto/2.12.388 Version/12.18", "", "", "unknown"],
  ["Opera Mini", "Opera/9.80 (Android; Opera Mini/36.2.2254/119.132; U; id) Presto/2.12.423 Version/12.16", "", "", "unknown"],
  ["Android stock browser", "Mozilla/5.0 (Linux; U; Android 4.0.3; ko-kr; LG-L160L Build/IML74K) AppleWebkit/534.30 (KHTML, like Gecko) Version/4.0 Mobile Safari/534.30", "", "", "unknown"],
  ["Lynx", "Lynx/2.8.9rel.1 libwww-FM/2.14 SSL-MM/1.4.1 OpenSSL/1.1.1d", "", "", "unknown"],
  ["PlayStation 5", "Mozilla/5.0 (PlayStation; PlayStation 5/2.26) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.0 Safari/605.1.15", "", "", "unknown"],
  ["Epiphany (WebKitGTK)", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15 Epiphany/605.1.15", "", "", "unknown"],
  ["iOS without a version (iPad desktop mode, no Version/)", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/24.1 Safari/605.1.15", "ios", "", "unknown"],
];

test("own User-Agents: every detection rule and trap", async (t) => {
  for (const [what, ua, browser, version, status] of OWN) {
    await t.test(what, () => {
      assert.deepEqual(detect(ua, README_RULES), { browser, version, status });
    });
  }
});

// ---------------------------------------------------------------------------
// Thresholds: how a detected version meets the rules.

const UA = {
  chrome: (v) => `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36`,
  firefox: (v) => `Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:${v}.0) Gecko/20100101 Firefox/${v}.0`,
  safari: (v) => `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${v} Safari/605.1.15`,
  ios: (v) => `Mozilla/5.0 (iPhone; CPU iPhone OS ${v.replace(/\./g, "_")} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1`,
  edge: (v) => `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.102 Safari/537.36 Edge/${v}`,
};

const THRESHOLDS = [
  // [what, User-Agent, rules, status]
  ["raising chrome to 60 makes Chrome 50 unsupported", UA.chrome(50), { supported: { chrome: "60" }, recommended: { chrome: "60" } }, "unsupported"],
  ["Chrome 50 meets chrome 47", UA.chrome(50), README_RULES, "recommended"],
  ["Chrome 60 meets chrome 60", UA.chrome(60), { supported: { chrome: "60" }, recommended: { chrome: "60" } }, "recommended"],
  ["between supported and recommended", UA.chrome(55), { supported: { chrome: "50" }, recommended: { chrome: "60" } }, "supported"],
  ["supported but never recommended", UA.chrome(120), { supported: { chrome: "50" }, recommended: {} }, "supported"],
  ["chrome rule 47.0.2526 checked as 47", UA.chrome(47), { supported: { chrome: "47.0.2526" } }, "supported"],
  ["firefox 38.5 checked as 38", UA.firefox(38), { supported: { firefox: "38.5" } }, "supported"],
  ["firefox 38.5 still refuses 37", UA.firefox(37), { supported: { firefox: "38.5" } }, "unsupported"],
  ["browser not in the rules is not supported", UA.firefox(120), { supported: { chrome: "47" } }, "unsupported"],
  ["no rules at all: nothing supports it", UA.chrome(120), undefined, "unsupported"],
  ["safari 9.1.2 refuses Version/9.1", UA.safari("9.1"), { supported: { safari: "9.1.2" } }, "unsupported"],
  ["safari 9.1.2 accepts Version/9.1.2", UA.safari("9.1.2"), { supported: { safari: "9.1.2" } }, "supported"],
  ["safari 9.1.2 accepts Version/10.0", UA.safari("10.0"), { supported: { safari: "9.1.2" } }, "supported"],
  ["iOS follows safari without ios", UA.ios("9.0"), { supported: { safari: "9" } }, "supported"],
  ["iOS 8.4 below safari 9", UA.ios("8.4"), { supported: { safari: "9" } }, "unsupported"],
  ["ios rule wins over safari", UA.ios("11.4"), { supported: { safari: "9", ios: "12" } }, "unsupported"],
  ["ios 12.4.1 refuses OS 12_4", UA.ios("12.4"), { supported: { ios: "12.4.1" } }, "unsupported"],
  ["ios 12.4.1 accepts OS 12_4_1", UA.ios("12.4.1"), { supported: { ios: "12.4.1" } }, "supported"],
  ["ios in supported only: never recommended", UA.ios("17.2"), { supported: { ios: "12" }, recommended: { safari: "9" } }, "supported"],
  ["ios recommended", UA.ios("17.2"), { supported: { ios: "12" }, recommended: { ios: "15" } }, "recommended"],
  ["Mac Safari ignores the ios rule", UA.safari("17.0"), { supported: { ios: "12" } }, "unsupported"],
  ["edge compares the build", UA.edge("18.17134"), { supported: { edge: "18.17763" } }, "unsupported"],
  ["edge build met", UA.edge("18.17763"), { supported: { edge: "18.17763" } }, "supported"],
  ["edge major only", UA.edge("17.17134"), { supported: { edge: "18" } }, "unsupported"],
  ["Chromium Edge is not legacy edge", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91", { supported: { edge: "12" } }, "unsupported"],
  ["multi-digit parts compare as numbers", UA.safari("9.10"), { supported: { safari: "9.9" } }, "supported"],
  ["bots ignore the rules", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", { supported: { chrome: "1" } }, "bot"],
];

test("thresholds: supported, recommended and precision", async (t) => {
  for (const [what, ua, rules, status] of THRESHOLDS) {
    await t.test(what, () => {
      assert.equal(detect(ua, rules).status, status);
    });
  }
});

test("detect never throws and always answers in shape", () => {
  // A deterministic mix of User-Agent fragments and noise.
  const parts = ["Mozilla/5.0 (", "Windows NT 10.0; ", "iPhone; CPU iPhone OS ", "12_4", " like Mac OS X", ") ",
    "AppleWebKit/537.36 ", "Chrome/", "Firefox/", "Version/", "Edge/", "Trident/", "MSIE ", "rv:", "OPR/", "CriOS/",
    "47", ".0", "_", "99999999999999999999", "..", "/", " ", "bot", "Opera ", "Goanna/", "Macintosh", "(", ")", "\u00e5"];
  let seed = 42;
  const rand = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  const statuses = new Set(["unsupported", "supported", "recommended", "unknown", "bot"]);
  for (let i = 0; i < 5000; i++) {
    let ua = "";
    for (let j = rand(12); j >= 0; j--) ua += parts[rand(parts.length)];
    const r = detect(ua, README_RULES);
    assert.ok(statuses.has(r.status), `status of ${JSON.stringify(ua)}`);
    assert.match(r.version, /^(\d+(\.\d+)*)?$/, `version of ${JSON.stringify(ua)}`);
    assert.ok(["", "chrome", "firefox", "safari", "ie", "edge", "ios"].includes(r.browser), `browser of ${JSON.stringify(ua)}`);
  }
  for (const odd of [undefined, null, 42, {}, "\u0000"]) {
    assert.equal(detect(odd, README_RULES).status, "unknown");
  }
});

// ---------------------------------------------------------------------------
// The built scripts (compat.Script's output, testdata/*.golden.js).

test("built script: require() exports detect and the embedded rules", () => {
  const built = require(GOLDEN);
  assert.equal(typeof built.detect, "function");
  assert.deepEqual(built.rules.supported, README_RULES.supported);
  assert.deepEqual(built.rules.recommended, README_RULES.recommended);
  assert.deepEqual(built.rules.screen, [1024, 768]);
  assert.equal(built.rules.cookies, true);
  for (const [what, ua, browser, version, status] of OWN) {
    assert.deepEqual(built.detect(ua, built.rules), { browser, version, status }, what);
  }
});

test("built script: raising chrome to 60 makes a Chrome 50 reader unsupported", () => {
  const before = require(GOLDEN), after = require(GOLDEN60);
  assert.equal(before.detect(UA.chrome(50), before.rules).status, "recommended");
  assert.equal(after.detect(UA.chrome(50), after.rules).status, "unsupported");
  assert.equal(after.rules.supported.chrome, "60");
  // Nothing else changed.
  const strip = (r) => JSON.stringify({ ...r, supported: { ...r.supported, chrome: "" }, recommended: { ...r.recommended, chrome: "" } });
  assert.equal(strip(after.rules), strip(before.rules));
});

// ---------------------------------------------------------------------------
// ES5 only: the source and the built scripts.

function es5Parse(file) {
  // Node ships acorn; its ES5 mode refuses every later syntax (arrows,
  // let/const, classes, template literals, shorthand properties,
  // optional catch bindings, ...). It is internal, hence the flag.
  const code = `const acorn = require("internal/deps/acorn/acorn/dist/acorn");
    acorn.parse(require("fs").readFileSync(${JSON.stringify(file)}, "utf8"), { ecmaVersion: 5 });`;
  execFileSync(process.execPath, ["--expose-internals", "-e", code], { stdio: "pipe" });
}

test("ES5: the scripts parse as ECMAScript 5 and hold no later tokens", async (t) => {
  for (const file of [SOURCE, GOLDEN, GOLDEN60]) {
    await t.test(path.basename(file), () => {
      try {
        es5Parse(file);
      } catch (e) {
        assert.fail(`${file} is not ES5: ${e.stderr}`);
      }
      const code = fs.readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
      for (const bad of [/=>/, /\blet\s/, /\bconst\s/, /`/, /\bclass\s/, /\.\.\./, /\?\?/, /\?\.[^\d]/, /catch\s*\{/, /\bfetch\(/, /XMLHttpRequest/, /sendBeacon/, /\bimport\(/, /new Image/, /document\.cookie/]) {
        assert.doesNotMatch(code, bad);
      }
    });
  }
});

// ---------------------------------------------------------------------------
// The banner in a page: a fake DOM built from the partial as Go renders it
// (testdata/banner.<locale>.golden.html), so the strings are the real ones.

function bannerAttributes(locale) {
  const html = fs.readFileSync(path.join(__dirname, "testdata", `banner.${locale}.golden.html`), "utf8");
  const tag = /<div class="compat-banner__box"[^>]*>/.exec(html)[0];
  const attrs = {};
  const decode = (s) => s.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(+n))
    .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  for (const m of tag.matchAll(/\s([\w-]+)(?:="([^"]*)")?/g)) attrs[m[1]] = decode(m[2] || "");
  return attrs;
}

// requirementsPath is the banner link's href in the golden markup.
function requirementsPath(locale) {
  const html = fs.readFileSync(path.join(__dirname, "testdata", `banner.${locale}.golden.html`), "utf8");
  return /<a class="compat-banner__link" href="([^"]+)"/.exec(html)[1];
}

// page runs a script in a fresh context with a fake document holding the
// banner box, and returns what a test needs to look at.
// opts.path is the page's path (default the locale home); the banner's link
// is the system requirements of the golden markup, resolved as a browser's
// a.href is.
function page(code, opts) {
  const o = Object.assign({ ua: UA.chrome(40), locale: "en", path: "", cookieEnabled: true, screen: { width: 1920, height: 1080 }, store: new Map(), storage: "ok", readyState: "interactive", banner: true }, opts);
  const attrs = bannerAttributes(o.locale);
  const site = "https://help.example.com";
  const here = site + (o.path || `/${o.locale}/`);
  const message = { nodes: [], appendChild(n) { this.nodes.push(n); } };
  const button = { onclick: null };
  const link = { href: new URL(requirementsPath(o.locale), here).href };
  const box = {
    getAttribute: (n) => (n in attrs ? attrs[n] : null),
    setAttribute: (n, v) => { attrs[n] = String(v); },
    removeAttribute: (n) => { delete attrs[n]; },
    getElementsByTagName: (t) => (t === "p" ? [message] : t === "button" ? [button] : t === "a" ? [link] : []),
  };
  const listeners = {};
  const root = { className: "js" };
  const document = {
    readyState: o.readyState,
    documentElement: root,
    getElementById: (id) => (o.banner && id === "compat-banner" ? box : null),
    createTextNode: (data) => ({ data }),
    addEventListener: (type, fn) => { listeners[type] = fn; },
  };
  const storage = {
    getItem: (k) => (o.store.has(k) ? o.store.get(k) : null),
    setItem: (k, v) => { o.store.set(k, String(v)); },
  };
  const ctx = { document, navigator: { userAgent: o.ua, cookieEnabled: o.cookieEnabled }, screen: o.screen, location: { href: here } };
  ctx.window = ctx;
  if (o.storage === "ok") {
    ctx.sessionStorage = storage;
  } else if (o.storage === "getter-throws") { // Chrome with cookies blocked
    Object.defineProperty(ctx, "sessionStorage", { get() { throw new Error("SecurityError: access is denied"); } });
  } else { // Safari private mode before 11: reads work, writes throw
    ctx.sessionStorage = { getItem: () => null, setItem: () => { throw new Error("QuotaExceededError"); } };
  }
  vm.runInNewContext(code, ctx);
  return {
    shown: () => !("hidden" in attrs),
    rootClass: () => root.className,
    text: () => message.nodes.map((n) => n.data).join(""),
    click: () => button.onclick(),
    hasHandler: () => typeof button.onclick === "function",
    fire: (type) => listeners[type](),
    store: o.store,
  };
}

const SCRIPTS = [
  ["built", fs.readFileSync(GOLDEN, "utf8")],
  ["source", fs.readFileSync(SOURCE, "utf8").replace("/*RULES*/{}", JSON.stringify(Object.assign({}, README_RULES, { screen: [1024, 768], cookies: true })))],
];

for (const [name, code] of SCRIPTS) {
  test(`banner (${name} script) in a page`, async (t) => {
    await t.test("Chrome 40 in English: not supported, browser named", () => {
      const p = page(code, { ua: UA.chrome(40) });
      assert.ok(p.shown());
      assert.equal(p.text(), "Your browser, Chrome 40, is not supported. Parts of our service may not work; please use one of the supported browsers.");
      assert.ok(p.hasHandler());
    });
    await t.test("Chrome 40 in Swedish", () => {
      const p = page(code, { ua: UA.chrome(40), locale: "sv" });
      assert.ok(p.shown());
      assert.equal(p.text(), "Din webbläsare, Chrome 40, stöds inte. Delar av vår tjänst kanske inte fungerar; använd gärna en webbläsare som stöds.");
    });
    await t.test("IE 11 in Compatibility View is recommended: nothing", () => {
      const p = page(code, { ua: "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 10.0; WOW64; Trident/7.0; .NET4.0C; .NET4.0E)" });
      assert.ok(!p.shown());
      assert.equal(p.text(), "");
    });
    await t.test("IE 10 named as Internet Explorer", () => {
      const p = page(code, { ua: "Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.1; Trident/6.0)" });
      assert.match(p.text(), /^Your browser, Internet Explorer 10, is not supported\./);
    });
    await t.test("iOS named by its version", () => {
      const p = page(code, { ua: UA.ios("8.4"), locale: "sv" });
      assert.match(p.text(), /^Din webbläsare, iOS 8\.4, stöds inte\./);
    });
    await t.test("Firefox 42: supported, some functions need a recommended browser", () => {
      const p = page(code, { ua: UA.firefox(42) });
      assert.ok(p.shown());
      assert.equal(p.text(), "Your browser, Firefox 42, is supported, but some functions only work in the recommended browsers.");
    });
    await t.test("recommended browser: nothing", () => {
      const p = page(code, { ua: UA.chrome(120) });
      assert.ok(!p.shown());
    });
    await t.test("cookies off", () => {
      const p = page(code, { ua: UA.chrome(120), cookieEnabled: false });
      assert.ok(p.shown());
      assert.equal(p.text(), "Cookies are turned off in your browser, and our service needs them to work.");
    });
    const reqEN = requirementsPath("en"), reqSV = requirementsPath("sv");
    await t.test("screen below the minimum on the system requirements page, sizes filled in", () => {
      const p = page(code, { ua: UA.chrome(120), screen: { width: 800, height: 600 }, locale: "sv", path: reqSV });
      assert.ok(p.shown());
      assert.equal(p.text(), "Din skärm är mindre än 1024 × 768 pixlar, den minsta storlek vår tjänst är gjord för. Hjälpcentret fungerar på alla skärmar.");
    });
    await t.test("the requirements page with a fragment or a query is still that page", () => {
      assert.ok(page(code, { ua: UA.chrome(120), screen: { width: 412, height: 823 }, path: reqEN + "#screen" }).shown());
      assert.ok(page(code, { ua: UA.chrome(120), screen: { width: 412, height: 823 }, path: reqEN + "?from=banner" }).shown());
    });
    await t.test("a phone is told nothing about the screen on any other page", () => {
      for (const p of ["/en/", "/en/articles/reset-your-password/", "/en/search/?q=screen", reqEN + "more/", "/sv" + reqEN.substring(3)]) {
        const pg = page(code, { ua: UA.chrome(120), screen: { width: 412, height: 823 }, path: p });
        assert.ok(!pg.shown(), p);
        assert.equal(pg.text(), "", p);
        assert.equal(pg.rootClass(), "js", p);
      }
    });
    await t.test("a phone with an unsupported browser is told about the browser, not the screen", () => {
      const p = page(code, { ua: UA.chrome(40), screen: { width: 412, height: 823 } });
      assert.ok(p.shown());
      assert.doesNotMatch(p.text(), /screen/);
    });
    await t.test("a 768×1024 tablet in portrait meets 1024×768", () => {
      assert.ok(!page(code, { ua: UA.chrome(120), screen: { width: 768, height: 1024 }, path: reqEN }).shown());
    });
    await t.test("a 1280×720 screen is below 768 high", () => {
      assert.ok(page(code, { ua: UA.chrome(120), screen: { width: 1280, height: 720 }, path: reqEN }).shown());
    });
    await t.test("the open banner marks <html> for the page's bottom room; dismissing unmarks it", () => {
      const p = page(code, { ua: UA.chrome(40) });
      assert.equal(p.rootClass(), "js compat-open");
      p.click();
      assert.equal(p.rootClass(), "js");
    });
    await t.test("several notices at once", () => {
      const p = page(code, { ua: UA.chrome(40), cookieEnabled: false });
      assert.equal(p.text(), "Your browser, Chrome 40, is not supported. Parts of our service may not work; please use one of the supported browsers. Cookies are turned off in your browser, and our service needs them to work.");
    });
    await t.test("bots and unknown browsers get nothing, even with cookies off and a small screen", () => {
      for (const ua of ["Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "Lynx/2.8.9rel.1 libwww-FM/2.14", ""]) {
        const p = page(code, { ua, cookieEnabled: false, screen: { width: 320, height: 480 }, path: requirementsPath("en") });
        assert.ok(!p.shown(), ua);
        assert.equal(p.text(), "", ua);
      }
    });
    await t.test("dismissal hides the banner and lasts for the session", () => {
      const store = new Map();
      const first = page(code, { ua: UA.chrome(40), store });
      first.click();
      assert.ok(!first.shown());
      assert.equal(store.get("compat-dismissed"), "1");
      const next = page(code, { ua: UA.chrome(40), store }); // the next page, same tab
      assert.ok(!next.shown());
      assert.equal(next.text(), "");
    });
    await t.test("blocked storage: the banner shows and dismisses without errors", () => {
      for (const storage of ["getter-throws", "write-throws"]) {
        const p = page(code, { ua: UA.chrome(40), storage });
        assert.ok(p.shown(), storage);
        assert.doesNotThrow(() => p.click(), storage);
        assert.ok(!p.shown(), storage);
      }
    });
    await t.test("waits for the DOM when loaded early", () => {
      const p = page(code, { ua: UA.chrome(40), readyState: "loading" });
      assert.ok(!p.shown());
      p.fire("DOMContentLoaded");
      assert.ok(p.shown());
    });
    await t.test("a page without the banner markup", () => {
      assert.doesNotThrow(() => page(code, { banner: false }));
    });
  });
}

test("the script carries no reader-facing text: it all comes from the page", () => {
  const code = fs.readFileSync(GOLDEN, "utf8");
  for (const locale of ["en", "sv"]) {
    for (const [name, value] of Object.entries(bannerAttributes(locale))) {
      if (!name.startsWith("data-l-") || value.length < 6) continue; // short browser names are also rule keys
      for (const phrase of value.split(/[,.;]\s*/).filter((s) => s.length > 8)) {
        assert.ok(!code.includes(phrase), `${locale} ${name}: "${phrase}" is in the script`);
      }
    }
  }
});
