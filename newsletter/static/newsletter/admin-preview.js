/* The newsletter admin's preview page: the email's frame grows to the email's height, links
   in it open in a new tab, and the Desktop/Phone buttons set its width. A static file, not an
   inline script, so the admin's Content Security Policy needs no 'unsafe-inline' for scripts.
   The page is read after parsing (defer), when the frame and buttons exist. */
(function () {
  "use strict";
  var frame = document.querySelector(".nl-preview__frame");
  if (!frame) return;
  function fit() {
    try {
      var doc = frame.contentDocument;
      var base = doc.createElement("base"); base.target = "_blank";
      if (!doc.querySelector("base")) doc.head.appendChild(base);
      frame.style.height = "200px";  // measure the content, not the frame
      frame.style.height = (doc.documentElement.scrollHeight + 8) + "px";
    } catch (e) {}
  }
  frame.addEventListener("load", fit);
  if (frame.contentDocument && frame.contentDocument.readyState === "complete") fit();
  document.querySelectorAll(".nl-preview__widths button").forEach(function (button) {
    button.addEventListener("click", function () {
      frame.width = button.dataset.width;
      document.querySelectorAll(".nl-preview__widths button").forEach(function (b) {
        b.setAttribute("aria-pressed", String(b === button));
      });
      setTimeout(fit, 50);
    });
  });
})();
