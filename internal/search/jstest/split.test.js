// search-core.js and search-ui.js as a browser runs them: classic scripts
// in one global scope, the core first. Run: node --test internal/search/jstest/
'use strict';
var test = require('node:test');
var assert = require('node:assert');
var fs = require('fs');
var path = require('path');
var vm = require('vm');

var js = path.join(__dirname, '..', '..', '..', 'static', 'js');

// page returns a global object standing in for a page without search
// widgets, counting the queries search-ui.js makes of the document.
function page() {
  var g = { queries: 0 };
  g.window = g;
  g.document = {
    readyState: 'complete',
    querySelectorAll: function () { g.queries++; return []; },
    querySelector: function () { g.queries++; return null; },
    getElementById: function () { return null; }
  };
  return vm.createContext(g);
}

function run(ctx, name) {
  vm.runInContext(fs.readFileSync(path.join(js, name), 'utf8'), ctx, { filename: name });
}

test('search-core.js gives the browser window.HelpcenterSearch', function () {
  var ctx = page();
  run(ctx, 'search-core.js');
  assert.strictEqual(typeof ctx.HelpcenterSearch, 'object');
  assert.strictEqual(typeof ctx.HelpcenterSearch.Index, 'function');
  assert.strictEqual(typeof ctx.HelpcenterSearch.snippet, 'function');
  assert.strictEqual(ctx.queries, 0, 'the core touched the document');
});

test('search-ui.js starts its widgets on the core', function () {
  var ctx = page();
  run(ctx, 'search-core.js');
  run(ctx, 'search-ui.js');
  assert.ok(ctx.queries > 0, 'search-ui.js did not look for its widgets');
});

test('search-ui.js without the core does nothing', function () {
  var ctx = page();
  run(ctx, 'search-ui.js');
  assert.strictEqual(ctx.queries, 0);
});

test('in Node the core is module.exports and sets no global', function () {
  var core = require(path.join(js, 'search-core.js'));
  assert.strictEqual(typeof core.Index, 'function');
  assert.strictEqual(typeof global.HelpcenterSearch, 'undefined');
});
