/* Newsletter sign-up (banner, in-article box, /newsletter/ page): answered in place. Without
   JavaScript the forms post to /newsletter/, which answers with a page. */
(function () {
  "use strict";

  // Read by the server (newsletter_tags), which then draws the banner on one line on phones
  // ("seen") or leaves it out ("hidden"): the page never changes once shown, so nothing jumps.
  var BANNER_COOKIE = "newsletter_banner";
  var FIELDS = ["email", "first_name", "consent"];

  function bannerState() {
    var match = document.cookie.match(new RegExp("(?:^|;\\s*)" + BANNER_COOKIE + "=([^;]*)"));
    return match ? match[1] : "";
  }

  function rememberBanner(state) {
    document.cookie =
      BANNER_COOKIE + "=" + state + "; path=/; max-age=15552000; SameSite=Lax" +
      (location.protocol === "https:" ? "; Secure" : "");
  }

  function hideBannerFromNowOn() {
    rememberBanner("hidden");
  }

  function showErrors(form, errors) {
    var first = null;
    FIELDS.forEach(function (name) {
      var input = form.elements[name];
      var box = form.querySelector('[data-error-for="' + name + '"]');
      var messages = (errors && errors[name]) || [];
      if (box) {
        box.textContent = messages.join(" ");
        box.hidden = messages.length === 0;
      }
      if (!input) return;
      var field = input.closest(".field, .nl-form__field, .nl-form__consent");
      if (field) field.classList.toggle("field--error", messages.length > 0);
      if (messages.length) {
        input.setAttribute("aria-invalid", "true");
        if (box) input.setAttribute("aria-describedby", box.id);
        first = first || input;
      } else {
        input.removeAttribute("aria-invalid");
        if (box && input.getAttribute("aria-describedby") === box.id) {
          input.removeAttribute("aria-describedby");
        }
      }
    });
    return first;
  }

  function say(form, text, kind) {
    var status = form.querySelector("[data-newsletter-status]");
    if (!status) return;
    status.textContent = text;
    status.className = "nl-form__status" + (kind ? " nl-form__status--" + kind : "");
  }

  function enhance(form) {
    var button = form.querySelector('button[type="submit"]');
    var busy = false;
    form.addEventListener("submit", function (event) {
      if (!window.fetch || !window.FormData) return; // the plain post still works
      event.preventDefault();
      if (busy) return;
      busy = true;
      if (button) button.setAttribute("aria-disabled", "true");
      say(form, "Sending…", "");
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
        .then(function (response) {
          var type = response.headers.get("Content-Type") || "";
          if (type.indexOf("application/json") !== 0) throw new Error("not JSON");
          return response.json();
        })
        .then(function (answer) {
          busy = false;
          if (button) button.removeAttribute("aria-disabled");
          var first = showErrors(form, answer.errors);
          if (answer.ok) {
            var fields = form.querySelector("[data-newsletter-fields]");
            if (fields) fields.hidden = true;
            say(form, answer.message, "ok");
            if (form.closest(".nl-banner--banner")) hideBannerFromNowOn();
            return;
          }
          // What was typed stays in the form: only the answer is shown.
          say(form, answer.message || "Please check the form.", "problem");
          if (first) first.focus();
        })
        .catch(function () {
          // Not a JSON answer (e.g. a stale security cookie) or no network: let the browser
          // send the form itself, to a page that explains.
          busy = false;
          if (button) button.removeAttribute("aria-disabled");
          say(form, "", "");
          HTMLFormElement.prototype.submit.call(form);
        });
    });
  }

  // The one-line banner (phones, after the first page): Join opens the form in place. Without
  // JavaScript it is a plain link to /newsletter/.
  function openBanner(link) {
    link.addEventListener("click", function (event) {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      var banner = link.closest("[data-newsletter]");
      var email = banner && banner.querySelector('input[type="email"]');
      if (!email) return;
      event.preventDefault();
      banner.classList.remove("nl-banner--collapsed");
      email.focus();
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-newsletter-form]"), enhance);
    Array.prototype.forEach.call(document.querySelectorAll("[data-newsletter-open]"), openBanner);
    // This page showed the whole banner: the next ones show it on one line (on phones).
    if (document.querySelector(".nl-banner--banner") && !bannerState()) rememberBanner("seen");
    Array.prototype.forEach.call(document.querySelectorAll("[data-newsletter-dismiss]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        hideBannerFromNowOn();
        var banner = button.closest("[data-newsletter]");
        if (banner) banner.hidden = true;
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
