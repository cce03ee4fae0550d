/* Your cases: small enhancements of the sign-in page (/<locale>/cases/)
 * and of the form handler's pages of a signed-in reader, which come in
 * that page's frame and so load this script too. ES5 for IE 11;
 * everything works without it: the forms post as they are and the
 * handler checks what they send. */
(function () {
  'use strict';
  if (!document.addEventListener) { return; }

  function trim(s) { return s.replace(/^\s+|\s+$/g, ''); }

  function showError(input, box, msg) {
    box.textContent = msg;
    box.hidden = false;
    input.setAttribute('aria-invalid', 'true');
  }

  function clearError(input, box) {
    box.textContent = '';
    box.hidden = true;
    input.removeAttribute('aria-invalid');
  }

  // The sign-in form: an address that cannot be one is caught before it
  // is sent.
  var signin = document.getElementById('signin-form');
  if (signin) {
    var email = document.getElementById('signin-email');
    var emailError = document.getElementById('signin-email-error');
    signin.addEventListener('submit', function (e) {
      var v = trim(email.value);
      var msg = '';
      if (!v) {
        msg = signin.getAttribute('data-msg-required');
      } else if (!/^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(v)) {
        msg = signin.getAttribute('data-msg-email');
      }
      if (msg) {
        e.preventDefault();
        showError(email, emailError, msg);
        email.focus();
        return;
      }
      clearError(email, emailError);
      email.value = v;
    });
  }

  // A comment: text required, files within the limits, and one post only.
  var form = document.getElementById('comment-form');
  if (form) {
    var body = document.getElementById('comment-body');
    var bodyError = document.getElementById('comment-body-error');
    var files = document.getElementById('comment-files');
    var filesError = document.getElementById('comment-files-error');
    var status = document.getElementById('comment-status');
    var submit = form.querySelector('button[type="submit"]');
    var sending = false;
    form.addEventListener('submit', function (e) {
      if (sending) { e.preventDefault(); return; }
      var first = null;
      var max = parseInt(body.getAttribute('maxlength'), 10) || 10000;
      var text = trim(body.value);
      if (!text) {
        showError(body, bodyError, form.getAttribute('data-msg-required'));
        first = body;
      } else if (text.length > max) {
        showError(body, bodyError, form.getAttribute('data-msg-too-long').replace('%d', max));
        first = body;
      } else {
        clearError(body, bodyError);
      }
      if (files && files.files) {
        var maxFiles = parseInt(files.getAttribute('data-max-files'), 10);
        var maxSize = parseInt(files.getAttribute('data-max-size'), 10);
        var msg = '';
        if (files.files.length > maxFiles) {
          msg = form.getAttribute('data-msg-too-many-files');
        }
        for (var i = 0; i < files.files.length && !msg; i++) {
          if (files.files[i].size > maxSize) {
            msg = form.getAttribute('data-msg-file-size').replace('%d', Math.round(maxSize / 1048576));
          }
        }
        if (msg) {
          showError(files, filesError, msg);
          first = first || files;
        } else {
          clearError(files, filesError);
        }
      }
      if (first) {
        e.preventDefault();
        status.textContent = form.getAttribute('data-msg-has-errors');
        first.focus();
        return;
      }
      sending = true;
      submit.setAttribute('aria-disabled', 'true');
      status.textContent = form.getAttribute('data-msg-sending');
    });
  }
}());
