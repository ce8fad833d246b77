/* Articles: the click-to-load video. Progressive enhancement only; the page works without
   this file. */
(function () {
  "use strict";

  // Click-to-load video: nothing is requested from YouTube or Vimeo until the reader presses
  // play. Without JavaScript the poster is a plain link to the video.
  var EMBEDS = {
    youtube: function (id) {
      return "https://www.youtube-nocookie.com/embed/" + encodeURIComponent(id) + "?autoplay=1";
    },
    vimeo: function (id) {
      return "https://player.vimeo.com/video/" + encodeURIComponent(id) + "?autoplay=1&dnt=1";
    },
  };

  function loadVideo(figure, poster) {
    var embed = EMBEDS[figure.getAttribute("data-video-provider")];
    var id = figure.getAttribute("data-video-id");
    if (!embed || !id) return false;
    var heading = document.querySelector("h1");
    var frame = document.createElement("iframe");
    frame.className = "video__frame";
    frame.src = embed(id);
    frame.title = "Video" + (heading ? ": " + heading.textContent.trim() : "");
    frame.setAttribute("allow", "autoplay; encrypted-media; picture-in-picture; fullscreen");
    frame.setAttribute("allowfullscreen", "");
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    poster.replaceWith(frame);
    frame.focus();
    return true;
  }

  function init() {
    var figures = document.querySelectorAll("figure.video[data-video-provider][data-video-id]");
    Array.prototype.forEach.call(figures, function (figure) {
      var poster = figure.querySelector(".video__poster");
      if (!poster) return;
      poster.addEventListener("click", function (event) {
        // Let modified clicks (new tab, new window) through to the plain link.
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        if (loadVideo(figure, poster)) event.preventDefault();
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
