/* "Was this article helpful?": posts the vote with XHR and shows
 * "N out of M found this helpful" from the form handler. ES5 for IE 11.
 * Without it the buttons post a normal form to the handler. */
(function () {
  'use strict';
  var box = document.getElementById('feedback');
  if (!box || !window.XMLHttpRequest) { return; }
  var api = box.getAttribute('data-api') || '/api';
  var article = box.getAttribute('data-article') || '';
  var form = box.getElementsByTagName('form')[0];
  var count = document.getElementById('feedback-count');
  var status = document.getElementById('feedback-status');
  var chosen = 'yes';

  function show(data) {
    if (!data || typeof data.total !== 'number' || data.total < 1) { return; }
    var parts = box.getAttribute('data-msg-count').split('%d');
    count.textContent = (parts[0] || '') + data.helpful + (parts[1] || '') + data.total + (parts[2] || '');
    count.hidden = false;
  }

  function request(method, url, body, cb) {
    var xhr = new XMLHttpRequest();
    xhr.open(method, url, true);
    xhr.setRequestHeader('Accept', 'application/json');
    if (body) { xhr.setRequestHeader('Content-Type', 'application/x-www-form-urlencoded'); }
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) { return; }
      var data = null;
      try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
      cb(xhr.status === 200 ? data : null);
    };
    xhr.send(body || null);
  }

  request('GET', api + '/feedback?article=' + encodeURIComponent(article), null, show);

  var buttons = form.getElementsByTagName('button'), i;
  function remember(e) { chosen = (e.currentTarget || e.srcElement).value; }
  for (i = 0; i < buttons.length; i++) { buttons[i].addEventListener('click', remember); }

  form.addEventListener('submit', function (e) {
    if (e.preventDefault) { e.preventDefault(); } else { e.returnValue = false; }
    for (i = 0; i < buttons.length; i++) { buttons[i].disabled = true; }
    request('POST', api + '/feedback', 'article=' + encodeURIComponent(article) + '&helpful=' + encodeURIComponent(chosen), function (data) {
      if (!data) {
        status.textContent = box.getAttribute('data-msg-failed');
        for (i = 0; i < buttons.length; i++) { buttons[i].disabled = false; }
        return;
      }
      status.textContent = box.getAttribute('data-msg-thanks');
      form.hidden = true;
      show(data);
    });
  });
}());
