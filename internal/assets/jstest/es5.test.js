// The site's scripts are ES5 with no build step, so that Internet Explorer
// 11 runs them: every script a page loads must parse as ECMAScript 5 (the
// minifier keeps ES5 as ES5; it does not lower newer syntax).
// Run: node --test internal/assets/jstest/
'use strict';
var test = require('node:test');
var assert = require('node:assert');
var fs = require('fs');
var path = require('path');
var acorn = require('acorn');

var repo = path.join(__dirname, '..', '..', '..');

// scripts lists every JavaScript file the site or the preview serves.
function scripts() {
  var out = fs.readdirSync(path.join(repo, 'static', 'js')).filter(function (n) {
    return /\.js$/.test(n);
  }).map(function (n) { return path.join('static', 'js', n); });
  return out.concat([path.join('internal', 'compat', 'compat.js'), path.join('internal', 'serve', 'live.js')]);
}

test('the site has its scripts', function () {
  var names = scripts().map(function (p) { return path.basename(p); });
  ['site.js', 'search-core.js', 'search-ui.js', 'hours.js', 'compat.js', 'live.js'].forEach(function (n) {
    assert.ok(names.indexOf(n) >= 0, n + ' not found among ' + names.join(', '));
  });
});

scripts().forEach(function (rel) {
  test(rel + ' parses as ES5', function () {
    var src = fs.readFileSync(path.join(repo, rel), 'utf8');
    try {
      acorn.parse(src, { ecmaVersion: 5, sourceType: 'script' });
    } catch (e) {
      assert.fail(rel + ':' + (e.loc ? e.loc.line + ':' + (e.loc.column + 1) : '') + ': not ES5: ' + e.message);
    }
  });
});

test('an ES2015 script fails the check', function () {
  assert.throws(function () { acorn.parse('let a = () => 1;', { ecmaVersion: 5, sourceType: 'script' }); });
});
