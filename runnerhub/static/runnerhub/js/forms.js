/* Forms on pages that a cache may hold carry no CSRF token (nor a key against double
   posts): their field is empty and names where to get one (`data-form-token`, see
   runnerhub/pagecache.py). The token is fetched when a form is first used, and a form sent
   before it arrived waits for it. Without JavaScript, or when the fetch fails, the form is
   sent as it is: the server then shows it again with a token, to be sent once more. */
(function () {
  "use strict";

  var answer = null; // one fetch per page: every form on it shares the token
  var asking = null;

  function ask(url) {
    if (answer) return Promise.resolve(answer);
    if (!asking) {
      asking = fetch(url, {
        credentials: "same-origin",
        cache: "no-store",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          if (!response.ok) throw new Error("no token");
          return response.json();
        })
        .then(function (data) {
          answer = data;
          return data;
        })
        .catch(function (error) {
          asking = null; // the next use of a form asks again
          throw error;
        });
    }
    return asking;
  }

  function fill(form, data) {
    Array.prototype.forEach.call(form.querySelectorAll("input[data-form-token]"), function (input) {
      input.value = data.csrfToken;
      input.removeAttribute("data-form-token");
    });
    var key = form.elements.submission_key;
    if (key && !key.value) key.value = data.formKey;
  }

  function tokenField(form) {
    return form && form.querySelector ? form.querySelector("input[data-form-token]") : null;
  }

  document.addEventListener("focusin", function (event) {
    var form = event.target && event.target.form;
    var field = tokenField(form);
    if (!field) return;
    ask(field.getAttribute("data-form-token")).then(
      function (data) {
        fill(form, data);
      },
      function () {}
    );
  });

  // Capture: before the form's own handlers (newsletter.js, comments.js), which see the
  // submit again once the token is in.
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      var field = tokenField(form);
      if (!field) return;
      event.preventDefault();
      event.stopPropagation();
      var submitter = event.submitter || null;
      ask(field.getAttribute("data-form-token"))
        .then(
          function (data) {
            fill(form, data);
          },
          function () {
            field.removeAttribute("data-form-token"); // sent without: the server explains
          }
        )
        .then(function () {
          if (form.requestSubmit) {
            form.requestSubmit(submitter);
          } else {
            HTMLFormElement.prototype.submit.call(form);
          }
        });
    },
    true
  );
})();
