/* The unanswered-questions inbox: choosing a topic filters at once (without JavaScript, the
   Filter button does). A static file rather than an onchange attribute, which the Content
   Security Policy refuses. */
(function () {
  "use strict";
  document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
    select.addEventListener("change", function () {
      select.form.submit();
    });
  });
})();
