/* The recovery codes page: a Print button (hidden without JavaScript, where the browser's
   own Print does the same). No inline script, so a strict Content Security Policy holds. */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
