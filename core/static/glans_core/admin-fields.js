/* Wagtail admin: every rich-text (Draftail) editor gets its field's label as its accessible
   name (issue #25; axe: aria-input-field-name). Wagtail labels the hidden input that holds
   the value (<label for="id_intro" id="id_intro-label">); the editable area Draftail draws
   beside it has no name of its own. Also for editors added later (inline panels, StreamField
   blocks). Runs only in the admin (hook insert_global_admin_js, core/wagtail_hooks.py). */
(function () {
  "use strict";

  function labelFor(editor) {
    var wrapper = editor.closest(".Draftail-Editor");
    var holder = wrapper && wrapper.parentNode;
    while (holder && holder !== document.body) {
      var input = holder.querySelector(":scope > input[id], :scope > div > input[type=hidden][id]");
      if (input) {
        return document.querySelector('label[for="' + CSS.escape(input.id) + '"]');
      }
      holder = holder.parentNode;
    }
    return null;
  }

  function nameEditors() {
    var editors = document.querySelectorAll(
      ".Draftail-Editor [contenteditable][role=textbox]:not([aria-labelledby]):not([aria-label])"
    );
    editors.forEach(function (editor) {
      var label = labelFor(editor);
      if (!label) {
        return;
      }
      if (!label.id) {
        label.id = label.htmlFor + "-label";
      }
      editor.setAttribute("aria-labelledby", label.id);
    });
  }

  function start() {
    nameEditors();
    new MutationObserver(nameEditors).observe(document.body, {childList: true, subtree: true});
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
