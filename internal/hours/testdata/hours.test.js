// Tests of static/js/hours.js: node --test internal/hours/testdata/hours.test.js
//
// status.json beside this file is written by the Go test
// (go test ./internal/hours -run TestStatusFixture -update) from the same
// table that Go's hours.Status is tested with, and holds the strings of
// layouts/i18n/{en,sv}/hours.toml, so the script and Go agree case by case.
'use strict';

var test = require('node:test');
var assert = require('node:assert/strict');
var path = require('node:path');
var fs = require('node:fs');

var hours = require(path.join(__dirname, '..', '..', '..', 'static', 'js', 'hours.js'));
var fixture = JSON.parse(fs.readFileSync(path.join(__dirname, 'status.json'), 'utf8'));

test('status agrees with the Go table', async function (t) {
  for (var i = 0; i < fixture.cases.length; i++) {
    var c = fixture.cases[i];
    await t.test(c.name, function () {
      assert.deepEqual(hours.status(fixture.data, c.ms), c.want, c.instant);
    });
  }
});

test('status for an instant between fixture cases of the autumn change', function () {
  // 2026-10-25 01:00:00.000Z is the change itself; a millisecond earlier is
  // still CEST.
  var change = Date.UTC(2026, 9, 25, 1, 0, 0);
  assert.equal(hours.status(fixture.data, change - 1).offset, 120);
  assert.equal(hours.status(fixture.data, change).offset, 60);
});

function result(over) {
  var r = { state: 'closed', closes: '', opens: '', opens_in: -1, opens_day: -1, opens_date: '', offset: 60 };
  Object.keys(over).forEach(function (k) { r[k] = over[k]; });
  return r;
}

var messages = [
  ['open with closing time', result({ state: 'open', closes: '16:30' }), 60,
    'Open now · closes 16:30', 'Öppet nu · stänger 16:30'],
  ['open beyond the lookahead', result({ state: 'open' }), 60,
    'Open now', 'Öppet nu'],
  ['opens today', result({ opens: '08:00', opens_in: 0, opens_day: 0, opens_date: '2027-11-01' }), 60,
    'Closed · opens today at 08:00', 'Stängt · öppnar i dag kl. 08:00'],
  ['opens tomorrow', result({ opens: '08:00', opens_in: 1, opens_day: 0, opens_date: '2027-11-01' }), 60,
    'Closed · opens tomorrow at 08:00', 'Stängt · öppnar i morgon kl. 08:00'],
  ['opens on a weekday', result({ opens: '08:00', opens_in: 2, opens_day: 0, opens_date: '2026-10-05' }), 60,
    'Closed · opens Monday at 08:00', 'Stängt · öppnar på måndag kl. 08:00'],
  ['opens a week or more ahead names the date', result({ opens: '08:00', opens_in: 7, opens_day: 0, opens_date: '2027-07-26' }), 60,
    'Closed · opens Monday 26 July at 08:00', 'Stängt · öppnar måndag 26 juli kl. 08:00'],
  ['nothing in the lookahead', result({}), 60,
    'Closed', 'Stängt'],
  ['reader in another zone gets the zone label', result({ state: 'open', closes: '16:30', offset: 120 }), -240,
    'Open now · closes 16:30 (Stockholm time)', 'Öppet nu · stänger 16:30 (tid i Stockholm)'],
  ['no label without a time', result({ state: 'open', offset: 120 }), -240,
    'Open now', 'Öppet nu'],
  ['unknown says nothing', result({ state: 'unknown' }), 60, '', '']
];

test('message', async function (t) {
  for (var i = 0; i < messages.length; i++) {
    var m = messages[i];
    await t.test(m[0], function () {
      assert.equal(hours.message(m[1], fixture.strings.en, m[2]), m[3]);
      assert.equal(hours.message(m[1], fixture.strings.sv, m[2]), m[4]);
    });
  }
});

// A minimal DOM: enough of Element for start() and refresh().
function El(attrs, children) {
  this.attrs = attrs || {};
  this.children = children || [];
  this.textContent = '';
  this.text = attrs && attrs.__text;
}
El.prototype.getAttribute = function (n) { return Object.prototype.hasOwnProperty.call(this.attrs, n) ? this.attrs[n] : null; };
El.prototype.setAttribute = function (n, v) { this.attrs[n] = String(v); };
El.prototype.removeAttribute = function (n) { delete this.attrs[n]; };
El.prototype.querySelectorAll = function (sel) {
  var name = /\[([\w-]+)\]$/.exec(sel)[1], out = [];
  (function walk(e) {
    e.children.forEach(function (c) {
      if (c.getAttribute(name) !== null) { out.push(c); }
      walk(c);
    });
  }(this));
  return out;
};
El.prototype.querySelector = function (sel) { return this.querySelectorAll(sel)[0] || null; };

function page(strings) {
  var now = new El({ 'data-hours-now': '', hidden: '' });
  Object.keys(strings).forEach(function (k) {
    var v = strings[k];
    now.attrs['data-l-' + k.replace('_', '-')] = Array.isArray(v) ? v.join('|') : v;
  });
  var notice = new El({ 'data-hours-notice': '' });
  var row = new El({ 'data-hours-date': '2026-12-24' });
  var json = new El({ 'data-hours-data': '', __text: JSON.stringify(fixture.data) });
  var section = new El({ 'data-phone-hours': '' }, [notice, now, new El({}, [row]), json]);
  return { doc: new El({}, [section]), now: now, notice: notice, row: row };
}

test('start fills the page and refresh(ms) renders a fixed instant', function () {
  var p = page(fixture.strings.en);
  var timers = 0, realSetInterval = global.setInterval;
  global.setInterval = function () { timers++; };
  try {
    hours.start(p.doc);
  } finally {
    global.setInterval = realSetInterval;
  }
  assert.equal(timers, 1, 'one timer keeps the line current');

  // 2026-09-29 is before effective_from: nothing to say, line stays hidden.
  hours.refresh(Date.UTC(2026, 8, 29, 8));
  assert.equal(p.now.getAttribute('hidden'), '');
  assert.equal(p.notice.getAttribute('hidden'), null, 'notice shown before effective_from');

  hours.refresh(Date.UTC(2026, 9, 1, 6)); // 08:00 CEST
  assert.equal(p.now.getAttribute('hidden'), null);
  assert.equal(p.now.getAttribute('data-state'), 'open');
  assert.match(p.now.textContent, /^Open now · closes 12:00/);
  assert.equal(p.notice.getAttribute('hidden'), '', 'notice hidden once effective_from has come');
  assert.equal(p.row.getAttribute('hidden'), null, 'upcoming exception row shown');

  hours.refresh(Date.UTC(2026, 11, 25, 9)); // Christmas Day 10:00 CET
  assert.match(p.now.textContent, /^Closed · opens Monday at 08:00/);
  assert.equal(p.now.getAttribute('data-state'), 'closed');
  assert.equal(p.row.getAttribute('hidden'), '', 'past exception row hidden');
});
