/* The admin's rich-text editor: turns each textarea[data-rich-text] (runnerhub.widgets.
   RichTextEditor) into CKEditor 5, from our build (runnerhub/static/runnerhub/editor/ckeditor.js,
   the global RunnerHubCKEditor). Everything it needs comes from the textarea's data attributes:
   no inline script. Without JavaScript the textarea stays as it is. */
(function () {
  "use strict";

  const config = {
    licenseKey: "GPL",
    toolbar: {
      items: [
        "heading", "|",
        "bold", "italic", "link", "|",
        "bulletedList", "numberedList", "blockQuote", "insertTable", "|",
        "uploadImage", "|",
        "undo", "redo",
      ],
      shouldNotGroupWhenFull: true,
    },
    heading: {
      options: [
        { model: "paragraph", title: "Paragraph", class: "ck-heading_paragraph" },
        { model: "heading2", view: "h2", title: "Section heading", class: "ck-heading_heading2" },
        { model: "heading3", view: "h3", title: "Sub-heading", class: "ck-heading_heading3" },
      ],
    },
    image: { toolbar: ["imageTextAlternative", "|", "toggleImageCaption"] },
    table: { contentToolbar: ["tableColumn", "tableRow", "mergeTableCells"] },
    link: { defaultProtocol: "https://" },
  };

  function cookie(name) {
    const prefix = name + "=";
    const found = document.cookie.split(";").map((c) => c.trim()).find((c) => c.startsWith(prefix));
    return found ? decodeURIComponent(found.slice(prefix.length)) : "";
  }

  function csrfToken(textarea) {
    // The form's own token works whatever CSRF_COOKIE_HTTPONLY says; the cookie is the fallback.
    const field = textarea.form && textarea.form.querySelector("input[name=csrfmiddlewaretoken]");
    return (field && field.value) || cookie(textarea.dataset.csrfCookie || "csrftoken");
  }

  // Body images need a description (alt text) for readers who cannot see them. The editor
  // asks for it as soon as an upload is in, and says how many images still lack one; the
  // admin warns on save as well (the server never relies on this script).
  function imagesWithoutAlt(editor) {
    const range = editor.model.createRangeIn(editor.model.document.getRoot());
    return Array.from(range.getItems()).filter(
      (item) =>
        item.is("element") &&
        (item.name === "imageBlock" || item.name === "imageInline") &&
        !String(item.getAttribute("alt") || "").trim()
    );
  }

  function showMissingAlt(editor, notice) {
    const count = imagesWithoutAlt(editor).length;
    notice.hidden = count === 0;
    notice.textContent =
      count === 1
        ? "1 image has no description (alt text). Select it and press “Change image text alternative” in its toolbar."
        : `${count} images have no description (alt text). Select each and press “Change image text alternative” in its toolbar.`;
  }

  function askForAltAfterUpload(editor) {
    const ui = editor.plugins.get("ImageTextAlternativeUI");
    // _showForm is what the toolbar's "Change image text alternative" button calls.
    if (typeof ui._showForm !== "function") {
      return; // a CKEditor that changed it: the notice under the editor still asks
    }
    editor.plugins.get("ImageUploadEditing").on("uploadComplete", (event, { imageElement }) => {
      // Once CKEditor has put the uploaded address in (its own listener runs after ours).
      setTimeout(() => {
        if (imageElement.root.rootName === "$graveyard" || imageElement.getAttribute("alt")) {
          return; // removed meanwhile, or already described
        }
        editor.model.change((writer) => writer.setSelection(imageElement, "on"));
        ui._showForm();
      }, 0);
    });
  }

  function start(textarea) {
    if (textarea.dataset.editorStarted || textarea.name.includes("__prefix__")) {
      return; // already an editor, or the hidden template row of an admin inline
    }
    textarea.dataset.editorStarted = "1";
    const container = textarea.closest(".ck-editor-container");
    RunnerHubCKEditor.Editor.create({
      ...config,
      attachTo: textarea,
      image: { ...config.image, upload: { types: textarea.dataset.imageTypes.split(" ") } },
      simpleUpload: {
        uploadUrl: textarea.dataset.uploadUrl,
        headers: { "X-CSRFToken": csrfToken(textarea) },
      },
    })
      .then((editor) => {
        // CKEditor writes the textarea on submit; keeping it current as well means whatever
        // reads the form before that (an autosave, a test) sees what the editor shows.
        editor.model.document.on("change:data", () => editor.updateSourceElement());
        const counter = container && container.querySelector(".word-count");
        if (counter) {
          counter.append(editor.plugins.get("WordCount").wordCountContainer);
        }
        const notice = container && container.querySelector(".image-alt-warning");
        if (notice) {
          editor.model.document.on("change:data", () => showMissingAlt(editor, notice));
          showMissingAlt(editor, notice);
        }
        askForAltAfterUpload(editor);
        if (textarea.disabled) {
          editor.enableReadOnlyMode("runnerhub");
        }
      })
      .catch((error) => {
        // The textarea comes back, so the body can still be edited (as HTML) and saved.
        textarea.style.display = "";
        console.error(error);
      });
  }

  function startAll(root) {
    root.querySelectorAll("textarea[data-rich-text]").forEach(start);
  }

  document.addEventListener("DOMContentLoaded", () => startAll(document));
  // An admin inline row added with "Add another" (Django dispatches this on the new row).
  document.addEventListener("formset:added", (event) => startAll(event.target));
})();
