/* Autosave of an admin change form (runnerhub/revisions.py, RevisionAdmin): while an editor
   types, the form's fields are kept in this browser's localStorage under the key of the
   page's [data-autosave-key] (the object and the user), and offered back when the form is
   opened again with other values (after a crash, a closed tab or a reload). A draft that
   matches what the form shows is dropped, so a successful save clears it. Leaving the page
   with unsaved changes asks first. Works with CKEditor 5 (runnerhub/js/editor.js keeps each
   textarea current; a restored body goes back in through the editor). Static, no inline
   script: the admin's CSP allows none. */
(function () {
  "use strict";

  const SKIP = new Set(["csrfmiddlewaretoken", "revision_token"]);
  const EVERY_MS = 1000;

  function fields(form) {
    return Array.from(form.elements).filter(
      (el) =>
        el.name &&
        !SKIP.has(el.name) &&
        !el.name.includes("__prefix__") &&
        !["file", "submit", "button", "reset", "password"].includes(el.type)
    );
  }

  function snapshot(form) {
    const values = {};
    fields(form).forEach((el) => {
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.type === "radio" && !el.checked) return;
        values[el.name] = el.type === "checkbox" ? el.checked : el.value;
      } else if (el.tagName === "SELECT" && el.multiple) {
        values[el.name] = Array.from(el.selectedOptions).map((o) => o.value);
      } else {
        values[el.name] = el.value;
      }
    });
    return values;
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function editorOf(textarea) {
    const container = textarea.closest(".ck-editor-container");
    const editable = container && container.querySelector(".ck-editor__editable");
    return editable && editable.ckeditorInstance;
  }

  function editorsReady(form) {
    return Array.from(form.querySelectorAll("textarea[data-rich-text]"))
      .filter((t) => !t.name.includes("__prefix__"))
      .every((t) => editorOf(t) || t.style.display !== "none" && !t.dataset.editorStarted);
  }

  function apply(form, values) {
    fields(form).forEach((el) => {
      if (!(el.name in values)) return;
      const value = values[el.name];
      if (el.type === "checkbox") {
        el.checked = Boolean(value);
      } else if (el.type === "radio") {
        el.checked = el.value === value;
      } else if (el.tagName === "SELECT" && el.multiple) {
        Array.from(el.options).forEach((o) => (o.selected = value.includes(o.value)));
      } else if (el.tagName === "SELECT") {
        if (Array.from(el.options).some((o) => o.value === value)) el.value = value;
      } else if (el.dataset.richText !== undefined && editorOf(el)) {
        editorOf(el).setData(value);
      } else {
        el.value = value;
      }
      el.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  function read(key) {
    try {
      return JSON.parse(localStorage.getItem(key) || "null");
    } catch (error) {
      return null;
    }
  }

  function write(key, draft) {
    try {
      localStorage.setItem(key, JSON.stringify(draft));
    } catch (error) {
      // Storage full or refused (private mode): the leave-page prompt still protects the text.
    }
  }

  function startOfDay(date) {
    return new Date(date.getFullYear(), date.getMonth(), date.getDate());
  }

  /* When a draft was kept, in the browser's language and time zone (Intl, no library):
     "today at 07:41 (3 minutes ago)", "yesterday at 18:02", or a date and time. */
  function savedWhen(saved, now) {
    const days = Math.round((startOfDay(now) - startOfDay(saved)) / 86400000);
    const clock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
    const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
    if (days === 0 || days === 1) {
      const day = relative.format(-days, "day");
      const at = `${day} at ${clock.format(saved)}`;
      if (days === 1) return at;
      const seconds = Math.max(0, Math.round((now - saved) / 1000));
      const ago =
        seconds < 60
          ? relative.format(-seconds, "second")
          : seconds < 3600
            ? relative.format(-Math.floor(seconds / 60), "minute")
            : relative.format(-Math.floor(seconds / 3600), "hour");
      return `${at} (${ago})`;
    }
    const date = new Intl.DateTimeFormat(undefined, { dateStyle: "long", timeStyle: "short" });
    return `on ${date.format(saved)}`;
  }

  function offer(form, key, draft, onDone) {
    const list = document.createElement("ul");
    list.className = "messagelist rh-autosave-offer";
    const item = document.createElement("li");
    item.className = "warning";
    item.setAttribute("role", "status");
    const saved = new Date(draft.time);
    const moment = document.createElement("time");
    moment.dateTime = saved.toISOString();
    moment.textContent = savedWhen(saved, new Date());
    item.append("This browser kept changes to this page that were not saved, ", moment, ". ");
    const restore = document.createElement("button");
    restore.type = "button";
    restore.className = "button";
    restore.textContent = "Restore my unsaved changes";
    const discard = document.createElement("button");
    discard.type = "button";
    discard.className = "button";
    discard.textContent = "Discard them";
    item.append(restore, " ", discard);
    list.append(item);
    form.prepend(list);
    restore.addEventListener("click", () => {
      apply(form, draft.values);
      list.remove();
      onDone();
    });
    discard.addEventListener("click", () => {
      localStorage.removeItem(key);
      list.remove();
      onDone();
    });
  }

  function start(marker) {
    const form = marker.closest("form");
    const key = marker.dataset.autosaveKey;
    let baseline = null;
    let offering = false;
    let submitting = false;

    function tick() {
      if (offering) return;
      const now = snapshot(form);
      if (same(now, baseline)) {
        localStorage.removeItem(key); // back to what the page showed: nothing to keep
      } else if (!same(now, (read(key) || {}).values)) {
        write(key, { time: Date.now(), values: now });
      }
    }

    function begin() {
      const erred = document.querySelector(".errornote");
      // A form sent back with errors shows text that is not saved yet: keep it, and ask
      // before leaving it.
      baseline = erred ? null : snapshot(form);
      const draft = read(key);
      // An add form that answered without errors after a submit saved it: the next add
      // form (after "Save and add another") must not offer the last one's text. A change
      // form needs no flag: once saved, it shows what the draft holds.
      const added = draft && draft.submitted && /:new$/.test(key);
      if (draft && erred && draft.submitted) {
        write(key, { time: draft.time, values: draft.values }); // refused: still unsaved
      } else if (draft && !erred && added) {
        localStorage.removeItem(key);
      } else if (draft && !same(draft.values, baseline) && !erred) {
        offering = true;
        offer(form, key, draft, () => {
          offering = false;
          tick();
        });
      } else if (draft && !erred) {
        localStorage.removeItem(key);
      }
      setInterval(tick, EVERY_MS);
      form.addEventListener("input", tick);
      form.addEventListener("submit", () => {
        tick();
        const draft = read(key);
        if (draft) write(key, { ...draft, submitted: true });
        submitting = true;
      });
      // The last keystrokes too, when the page goes (not only once a second).
      window.addEventListener("pagehide", () => submitting || tick());
      window.addEventListener("beforeunload", (event) => {
        if (!submitting) tick();
        if (submitting || offering || same(snapshot(form), baseline)) return;
        event.preventDefault();
        event.returnValue = ""; // the browser shows its own "leave page?" question
      });
    }

    // Wait until the editors have started, so the baseline is what they show.
    let tries = 0;
    (function wait() {
      if (editorsReady(form) || tries++ > 100) {
        begin();
      } else {
        setTimeout(wait, 50);
      }
    })();
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-autosave-key]").forEach(start);
  });
})();
