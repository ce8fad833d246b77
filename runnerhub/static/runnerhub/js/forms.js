/* Forms on pages that a cache may hold carry no CSRF token (nor a key against double
   posts, nor the time trap's render time): their field is empty and names where to get one
   (`data-form-token`, see runnerhub/pagecache.py). The token is fetched when a form is first
   used, and a form sent before it arrived waits for it. The answer's render time is the
   time trap's start (runnerhub/antispam.py): a form sent less than `minSeconds` after it
   came is held back until then, so that a quick reader is never taken for a bot. Without
   JavaScript, or when the fetch fails, the form is sent as it is: the server then shows it
   again with a token, to be sent once more. */
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
          // The server signed its time before this moment: from here on, its clock has
          // counted at least as long as ours.
          data.readyAt = Date.now() + (Number(data.minSeconds) || 0) * 1000 + 250;
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
    var rendered = form.elements.rendered;
    if (rendered && !rendered.value && data.rendered) {
      rendered.value = data.rendered;
      form.setAttribute("data-form-ready-at", String(data.readyAt));
    }
  }

  function waitLeft(form) {
    var readyAt = Number(form.getAttribute("data-form-ready-at"));
    return readyAt ? readyAt - Date.now() : 0;
  }

  function send(form, submitter) {
    if (form.requestSubmit) {
      form.requestSubmit(submitter);
    } else {
      HTMLFormElement.prototype.submit.call(form);
    }
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
      if (!form || !form.getAttribute) return;
      var field = tokenField(form);
      var submitter = event.submitter || null;
      if (!field) {
        if (form.hasAttribute("data-form-waiting")) {
          event.preventDefault(); // pressed again while held back: sent once, below
          event.stopPropagation();
          return;
        }
        var left = waitLeft(form);
        if (left <= 0) return;
        event.preventDefault();
        event.stopPropagation();
        form.setAttribute("data-form-waiting", "");
        window.setTimeout(function () {
          form.removeAttribute("data-form-waiting");
          form.removeAttribute("data-form-ready-at");
          send(form, submitter);
        }, left);
        return;
      }
      event.preventDefault();
      event.stopPropagation();
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
          send(form, submitter); // held back above if the render time is too recent
        });
    },
    true
  );
})();
