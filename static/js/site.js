/* Marks that JavaScript runs, so CSS can show script-only controls. ES5. */
(function () {
  var el = document.documentElement;
  el.className = (el.className ? el.className + ' ' : '') + 'js';
})();
