/*
 * hours.js: the "Open now · closes 16:30" line of a phone-hours article.
 *
 * ES5, no dependencies, no network; runs in IE 11. The page carries, per
 * <div data-phone-hours>:
 *   <script type="application/json" data-hours-data> the build's ScriptData
 *     (internal/hours): weekly and exception intervals in minutes, and the
 *     help center's UTC offset transitions, so no browser time zone support
 *     is needed;
 *   <p data-hours-now hidden aria-live="polite" data-l-*> the line to fill,
 *     with its localized strings in data-l-* attributes;
 *   <p data-hours-notice> the "New hours from …" notice (hidden once due);
 *   <tr data-hours-date="2026-12-24"> exception rows (hidden once past).
 *
 * status(data, ms) is the twin of Go's hours.Status: same data, same result.
 * In Node, require() returns {status, message, LOOKAHEAD}; in a browser the
 * script fills the page and keeps it current, and window.HelpcenterHours
 * offers refresh(ms) so a browser test can render a fixed instant.
 */
(function (root, factory) {
  var api = factory();
  if (typeof module === 'object' && module.exports) {
    module.exports = api;
  } else if (root && root.document && !root.HelpcenterHours) {
    root.HelpcenterHours = api;
    api.start(root.document);
  }
}(this, function () {
  'use strict';

  var LOOKAHEAD = 14;
  var MS_MINUTE = 60000;
  var MS_DAY = 86400000;

  function pad2(n) {
    return (n < 10 ? '0' : '') + n;
  }

  function clock(min) {
    return pad2(Math.floor(min / 60)) + ':' + pad2(min % 60);
  }

  function offsetAt(data, ms) {
    var o = data.offsets, lo = 0, hi = o.length - 1, mid;
    if (!o.length) {
      return 0;
    }
    // Last entry whose start is <= ms (or the first one).
    while (lo < hi) {
      mid = Math.ceil((lo + hi) / 2);
      if (o[mid][0] <= ms) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return o[lo][1];
  }

  function dayDate(day) {
    var d = new Date(day * MS_DAY);
    return d.getUTCFullYear() + '-' + pad2(d.getUTCMonth() + 1) + '-' + pad2(d.getUTCDate());
  }

  // 0 Monday … 6 Sunday; day 0 (1970-01-01) was a Thursday.
  function dayWeekday(day) {
    return (((day + 3) % 7) + 7) % 7;
  }

  // The intervals of a local day number, or null when unknown (before
  // effective_from without an exception).
  function dayHours(data, day) {
    var date = dayDate(day), x = data.exceptions, i;
    for (i = 0; i < x.length; i++) {
      if (x[i].date === date) {
        return x[i].hours;
      }
    }
    if (data.effective_from && date < data.effective_from) {
      return null;
    }
    return data.weekly[dayWeekday(day)];
  }

  function closing(data, day, end) {
    var start = day, next, ivs, i, extended;
    while (day - start <= LOOKAHEAD) {
      if (end === 1440) {
        next = dayHours(data, day + 1);
        if (!next || !next.length || next[0][0] !== 0) {
          return clock(end);
        }
        day += 1;
        end = next[0][1];
        continue;
      }
      ivs = dayHours(data, day) || [];
      extended = false;
      for (i = 0; i < ivs.length; i++) {
        if (ivs[i][0] === end) {
          end = ivs[i][1];
          extended = true;
          break;
        }
      }
      if (!extended) {
        return clock(end);
      }
    }
    return '';
  }

  function result(state, off) {
    return { state: state, closes: '', opens: '', opens_in: -1, opens_day: -1, opens_date: '', offset: off };
  }

  // status tells whether the line is open at UTC millisecond ms.
  function status(data, ms) {
    var off = offsetAt(data, ms);
    var local = ms + off * MS_MINUTE;
    var day = Math.floor(local / MS_DAY);
    var min = Math.floor((local - day * MS_DAY) / MS_MINUTE);
    var r = result('unknown', off);
    var today = dayHours(data, day), ivs, i, k;
    if (!today) {
      return r;
    }
    for (i = 0; i < today.length; i++) {
      if (today[i][0] <= min && min < today[i][1]) {
        r.state = 'open';
        r.closes = closing(data, day, today[i][1]);
        return r;
      }
    }
    for (k = 0; k <= LOOKAHEAD; k++) {
      ivs = dayHours(data, day + k);
      if (!ivs) {
        return result('unknown', off);
      }
      for (i = 0; i < ivs.length; i++) {
        if (k > 0 || ivs[i][0] > min) {
          r.state = 'closed';
          r.opens = clock(ivs[i][0]);
          r.opens_in = k;
          r.opens_day = dayWeekday(day + k);
          r.opens_date = dayDate(day + k);
          return r;
        }
      }
    }
    r.state = 'closed';
    return r;
  }

  function fill(s, vars) {
    return s.replace(/\{(\w+)\}/g, function (all, name) {
      return vars.hasOwnProperty(name) ? vars[name] : all;
    });
  }

  // message writes a result in the reader's words. l holds the strings:
  // open, open_closes, opens_today, opens_tomorrow, opens_day, opens_date,
  // closed, zone (each may use {time}, {day}, {date}, {city}), days (7 names,
  // Monday first), months (12 names) and city. readerOffset is the reader's
  // UTC offset in minutes at the same instant; times get the zone label when
  // it differs from the help center's. Returns "" for an unknown state.
  function message(r, l, readerOffset) {
    var text, vars = {}, d;
    if (r.state === 'open') {
      vars.time = r.closes;
      text = r.closes ? l.open_closes : l.open;
    } else if (r.state === 'closed') {
      vars.time = r.opens;
      if (!r.opens) {
        text = l.closed;
      } else if (r.opens_in === 0) {
        text = l.opens_today;
      } else if (r.opens_in === 1) {
        text = l.opens_tomorrow;
      } else {
        vars.day = l.days[r.opens_day];
        text = l.opens_day;
        if (r.opens_in >= 7) {
          d = r.opens_date.split('-');
          vars.date = fill(l.date, { d: String(+d[2]), month: l.months[+d[1] - 1] });
          text = l.opens_date;
        }
      }
    } else {
      return '';
    }
    text = fill(text, vars);
    if (vars.time && readerOffset !== r.offset) {
      text += ' ' + fill(l.zone, { city: l.city });
    }
    return text;
  }

  function attr(el, name) {
    return el.getAttribute('data-l-' + name) || '';
  }

  function strings(el) {
    var l = {}, keys = ['open', 'open_closes', 'opens_today', 'opens_tomorrow', 'opens_day',
      'opens_date', 'date', 'closed', 'zone', 'city'], i;
    for (i = 0; i < keys.length; i++) {
      l[keys[i]] = attr(el, keys[i].replace('_', '-'));
    }
    l.days = attr(el, 'days').split('|');
    l.months = attr(el, 'months').split('|');
    return l;
  }

  var sections = [];

  function setHidden(el, hidden) {
    if (hidden) {
      el.setAttribute('hidden', '');
    } else {
      el.removeAttribute('hidden');
    }
  }

  // render updates one section for instant ms. The text is replaced only
  // when it changes, so the polite live region speaks only on real changes.
  function render(s, ms) {
    var r = status(s.data, ms);
    var text = message(r, s.l, -new Date(ms).getTimezoneOffset());
    var today = dayDate(Math.floor((ms + r.offset * MS_MINUTE) / MS_DAY)), i;
    if (text !== s.text) {
      s.text = text;
      s.now.textContent = text;
      s.now.setAttribute('data-state', r.state);
      setHidden(s.now, !text);
    }
    if (s.notice && s.data.effective_from) {
      setHidden(s.notice, today >= s.data.effective_from);
    }
    for (i = 0; i < s.rows.length; i++) {
      setHidden(s.rows[i], s.rows[i].getAttribute('data-hours-date') < today);
    }
  }

  // refresh renders every phone-hours section for ms (default: now).
  function refresh(ms) {
    var i;
    if (typeof ms !== 'number') {
      ms = new Date().getTime();
    }
    for (i = 0; i < sections.length; i++) {
      render(sections[i], ms);
    }
  }

  function start(doc) {
    var els = doc.querySelectorAll('[data-phone-hours]'), i, el, json, now, data;
    for (i = 0; i < els.length; i++) {
      el = els[i];
      json = el.querySelector('script[data-hours-data]');
      now = el.querySelector('[data-hours-now]');
      if (!json || !now) {
        continue;
      }
      try {
        data = JSON.parse(json.text || json.textContent);
      } catch (e) {
        continue; // a broken block leaves the table, which is still right
      }
      sections.push({
        data: data,
        now: now,
        notice: el.querySelector('[data-hours-notice]'),
        rows: el.querySelectorAll('[data-hours-date]'),
        l: strings(now),
        text: null
      });
    }
    if (sections.length) {
      refresh();
      setInterval(function () { refresh(); }, 30000);
    }
  }

  return { status: status, message: message, refresh: refresh, start: start, LOOKAHEAD: LOOKAHEAD };
}));
