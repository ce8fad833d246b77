/* RunnerHub comments: progressive enhancement only.
   Without this file every Reply link leads to /comments/reply/<id>/, a page with the comment
   and a form under it, and the form posts as usual. With it:
   - Reply moves the one comment form under the comment being answered (Cancel puts it back);
   - Post is disabled once pressed, so a double click cannot post twice. */
(function () {
  "use strict";

  function init() {
    var form = document.getElementById("comment-form");
    if (!form) return;
    var section = form.closest(".comments");
    if (!section) return; // the stand-alone reply page: nothing to move

    var parentInput = form.querySelector('input[name="parent"]');
    var replying = form.querySelector("[data-replying]");
    var replyingName = form.querySelector("[data-replying-name]");
    var cancel = form.querySelector("[data-cancel-reply]");
    var title = form.querySelector(".comment-form__title");
    var textarea = form.querySelector("textarea");
    var originalTitle = title ? title.textContent : "";
    var originalParent = parentInput ? parentInput.value : "";
    // Where the form lives on the page, so that "Cancel reply" can put it back.
    var home = document.createComment(" comment form ");
    form.parentNode.insertBefore(home, form);
    var opener = null; // the Reply link that opened the form, for focus on cancel

    function openReply(link) {
      var item = link.closest("li.comment");
      if (!item || !parentInput) return false;
      var name = link.getAttribute("data-reply-name") || "";
      var main = item.querySelector(".comment__main");
      if (main && main.nextSibling) {
        item.insertBefore(form, main.nextSibling);
      } else {
        item.appendChild(form);
      }
      parentInput.value = link.getAttribute("data-reply-to");
      if (replyingName) replyingName.textContent = name;
      if (replying) replying.hidden = false;
      if (title) title.textContent = "Reply to " + name;
      opener = link;
      if (textarea) {
        textarea.focus({ preventScroll: true });
      }
      // Bring the form into view without jumping more than needed.
      form.scrollIntoView({ block: "nearest", behavior: prefersReducedMotion() ? "auto" : "smooth" });
      return true;
    }

    function closeReply() {
      home.parentNode.insertBefore(form, home.nextSibling);
      if (parentInput) parentInput.value = originalParent;
      if (replying) replying.hidden = true;
      if (replyingName) replyingName.textContent = "";
      if (title) title.textContent = originalTitle;
      if (opener && document.contains(opener)) {
        opener.focus();
      } else if (textarea) {
        textarea.focus();
      }
      opener = null;
    }

    section.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a.comment__reply[data-reply-to]");
      if (!link || !section.contains(link)) return;
      // Let modified clicks (new tab, new window) through to the reply page.
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      if (openReply(link)) event.preventDefault();
    });

    if (cancel) {
      cancel.addEventListener("click", function (event) {
        event.preventDefault();
        closeReply();
      });
    }

    form.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && replying && !replying.hidden) closeReply();
    });
  }

  function prefersReducedMotion() {
    return window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  }

  // Post once: disable the button after the submit has started (a disabled button
  // pressed in the same tick would not be sent with the form).
  function guardDoubleSubmit() {
    var forms = document.querySelectorAll("form");
    Array.prototype.forEach.call(forms, function (form) {
      var buttons = form.querySelectorAll("button[data-once]");
      if (!buttons.length) return;
      form.addEventListener("submit", function (event) {
        if (event.defaultPrevented) return;
        Array.prototype.forEach.call(buttons, function (button) {
          if (button.getAttribute("aria-disabled") === "true") {
            event.preventDefault(); // already sending
            return;
          }
          button.setAttribute("aria-disabled", "true");
          window.setTimeout(function () {
            button.disabled = true;
          }, 0);
        });
      });
    });
  }

  // Coming back with the Back button (bfcache) must not leave the button disabled.
  window.addEventListener("pageshow", function () {
    var buttons = document.querySelectorAll("button[data-once]");
    Array.prototype.forEach.call(buttons, function (button) {
      button.disabled = false;
      button.removeAttribute("aria-disabled");
    });
  });

  function start() {
    init();
    guardDoubleSubmit();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
