/*
 * compat.js: the browser-compatibility banner (Go package internal/compat).
 *
 * compat.Script replaces the RULES marker below with the rules of the
 * system-requirements article and minifies the result into
 * /assets/compat.<hash>.js. ES5 only (IE 11 must run it), no dependencies,
 * no requests. Every string the reader sees comes from the page: the
 * compat-banner partial carries them in data-l-* attributes.
 *
 * In Node, require() gives module.exports.detect(userAgent, rules) and
 * module.exports.rules (the embedded rules).
 */
(function () {
  var RULES = /*RULES*/{};
  var KEY = "compat-dismissed";

  // Version parts a User-Agent shows for each browser key; a rule's further
  // parts cannot be checked (Firefox 38.5 ESR sends Firefox/38.0). Others: 3.
  var PRECISION = { chrome: 1, firefox: 1, ie: 1, edge: 2 };

  // Crawlers, link previewers, headless and scripted clients: nobody reads
  // a banner there. Real browsers never put a URL in their User-Agent.
  var BOT = /https?:\/\/|bot\b|spider|crawl|slurp|archiver|headless|phantomjs|slimerjs|lighthouse|externalhit|facebookcatalog|meta-(?:ext|web)|google-|-google|^(?:curl|wget|python|java|go-http|okhttp|libwww|axios|node)/i;

  function find(re, ua) {
    var m = re.exec(ua);
    return m ? m[1] : "";
  }

  function major(v) {
    return parseInt(v, 10) || 0;
  }

  // sniff returns [browser key, version as the User-Agent shows it], or
  // ["", ""] when the User-Agent names nothing we judge. Order matters.
  function sniff(ua) {
    var os, ver;
    // Presto Opera and Pale Moon (Goanna) pose as IE or Firefox. (No "/"
    // inside [...] in this file: IE's legacy JScript, which runs pages in
    // Compatibility View document modes, reads it as the end of the regex.)
    if (/Opera\/|Opera |Presto\/|Goanna\//.test(ua)) {
      return ["", ""];
    }
    // IE: Trident/7.0 is IE 11 even when Compatibility View sends MSIE 7.0.
    if (/Trident\/|MSIE /.test(ua)) {
      ver = find(/Trident\/(\d+)/, ua);
      return ["ie", String(Math.max(major(find(/MSIE (\d+)/, ua)), ver ? major(ver) + 4 : 0))];
    }
    // Legacy EdgeHTML; Chromium Edge says Edg/, EdgA/ or EdgiOS/.
    if (/ Edge\/\d/.test(ua)) {
      return ["edge", find(/ Edge\/(\d+(?:\.\d+)*)/, ua)];
    }
    // Every iOS browser is Apple's WebKit: judge the iOS version. iPads in
    // desktop mode hide it, and iOS 26 freezes it at OS 18_6; Safari's
    // Version/ then stands in.
    if (/\((?:iPhone|iPad|iPod)|CriOS\/|FxiOS\/|EdgiOS\/|OPiOS\//.test(ua)) {
      os = find(/ OS (\d+(?:_\d+)*) like Mac OS X/, ua).replace(/_/g, ".");
      ver = find(/Version\/(\d+(?:\.\d+)*)/, ua);
      return ["ios", ver && (!os || major(ver) >= 26 && major(ver) > major(os)) ? ver : os];
    }
    // Chromium and its derivatives (Edg/, OPR/, SamsungBrowser, YaBrowser,
    // Vivaldi, WebViews, in-app browsers) by their Chrome engine version.
    if ((ver = find(/(?:Chrome|Chromium|CrMo)\/(\d+)/, ua))) {
      return ["chrome", ver];
    }
    // Firefox and Gecko derivatives by the Firefox version (or rv:).
    if ((ver = find(/Firefox(?:\/| )(\d+)/, ua) || find(/rv:(\d+)[^)]*\) Gecko\/\d/, ua))) {
      return ["firefox", ver];
    }
    // Safari by Version/, on Apple's desktop WebKit only (not the Android
    // browser, BlackBerry, webOS or Amazon Silk, which also send Version/).
    if (/Macintosh|Windows/.test(ua) && /AppleWebKit/.test(ua) && !/Android|Silk/.test(ua)) {
      ver = find(/Version\/(\d+(?:\.\d+)*)/, ua);
      return [ver ? "safari" : "", ver];
    }
    return ["", ""];
  }

  // atLeast compares the first n numeric parts of two versions.
  function atLeast(v, min, n) {
    var a = String(v).split("."), b = String(min).split("."), i, x, y;
    for (i = 0; i < n; i++) {
      x = major(a[i]);
      y = major(b[i]);
      if (x != y) {
        return x > y;
      }
    }
    return true;
  }

  // detect judges a User-Agent against rules shaped like the front matter's
  // browsers map: {supported: {chrome: "47"}, recommended: {chrome: "50"}}.
  function detect(userAgent, rules) {
    var ua = String(userAgent || ""), s, b, n, v, S, C, k, status;
    rules = rules || {};
    if (BOT.test(ua)) {
      return { browser: "", version: "", status: "bot" };
    }
    s = sniff(ua);
    b = s[0];
    n = PRECISION[b] || 3;
    v = s[1] ? s[1].split(".").slice(0, n).join(".") : "";
    S = rules.supported || {};
    C = rules.recommended || {};
    // iOS browsers follow the safari rules unless the rules name ios.
    k = b == "ios" && !S.ios && !C.ios ? "safari" : b;
    if (!b || !v) {
      status = "unknown";
    } else if (C[k] && atLeast(v, C[k], n)) {
      status = "recommended";
    } else if (S[k] && atLeast(v, S[k], n)) {
      status = "supported";
    } else {
      status = "unsupported";
    }
    return { browser: b, version: v, status: status };
  }

  if (typeof module == "object" && module.exports) {
    module.exports.detect = detect;
    module.exports.rules = RULES;
  }
  if (typeof document != "object") {
    return;
  }

  var doc = document, nav = navigator;

  // remember reads (or, given a value, writes) the dismissal; blocked
  // storage throws, and then the banner simply shows again.
  function remember(value) {
    try {
      return value ? sessionStorage.setItem(KEY, value) : sessionStorage.getItem(KEY);
    } catch (e) {
      return !e;
    }
  }

  function text(box, name) {
    return box.getAttribute("data-l-" + name) || "";
  }

  function fill(s, key, value) {
    return s.split("{" + key + "}").join(value);
  }

  function page(url) {
    return String(url).split("#")[0].split("?")[0];
  }

  // onRequirements tells whether this is the page the banner links to, the
  // system requirements. The screen minimum is the service's, not the help
  // center's (which works on any screen), and a phone is below it by
  // nature: only a reader looking at the requirements is told about it.
  function onRequirements(box) {
    var a = box.getElementsByTagName("a")[0];
    return !!a && page(a.href) == page(window.location.href);
  }

  // open shows the banner. It is fixed to the bottom of the window, so
  // revealing it moves nothing on the page (no layout shift); the class on
  // <html> lets the page end scroll clear of it.
  function open(box, on) {
    var root = doc.documentElement;
    if (on) {
      box.removeAttribute("hidden");
      root.className += " compat-open";
    } else {
      box.setAttribute("hidden", "hidden");
      root.className = root.className.replace(/(^| )compat-open\b/g, "");
    }
  }

  function run() {
    var box = doc.getElementById("compat-banner"), d, t = [], scr = window.screen, min = RULES.screen, button;
    if (!box || remember()) {
      return;
    }
    d = detect(nav.userAgent, RULES);
    if (d.status == "bot" || d.status == "unknown") {
      return;
    }
    if (d.status == "unsupported" || d.status == "supported") {
      t.push(fill(text(box, d.status), "browser", (text(box, d.browser) || d.browser) + " " + d.version));
    }
    if (RULES.cookies && nav.cookieEnabled === false) {
      t.push(text(box, "cookies"));
    }
    // Orientation does not matter: a tablet that can turn meets 1024 x 768.
    if (min && scr && onRequirements(box) && (Math.max(scr.width, scr.height) < Math.max(min[0], min[1]) ||
        Math.min(scr.width, scr.height) < Math.min(min[0], min[1]))) {
      t.push(fill(fill(text(box, "screen"), "width", min[0]), "height", min[1]));
    }
    if (!t.length) {
      return;
    }
    box.getElementsByTagName("p")[0].appendChild(doc.createTextNode(t.join(" ")));
    open(box, true);
    button = box.getElementsByTagName("button")[0];
    if (button) {
      button.onclick = function () {
        open(box, false);
        remember("1");
      };
    }
  }

  if (doc.readyState == "loading" && doc.addEventListener) {
    doc.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
}());
