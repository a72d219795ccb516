/* Wagtail admin: every rich-text (Draftail) editor gets its field's label as its accessible
   name (issue #25; axe: aria-input-field-name). Wagtail labels the hidden input that holds
   the value (<label for="id_intro">); the editable area Draftail draws beside it has no name
   of its own. Also for editors added later (inline panels, StreamField blocks). Runs only in
   the admin (hook insert_global_admin_js, core/wagtail_hooks.py). */
(function () {
  "use strict";

  var counter = 0;

  function idOf(element) {
    if (!element.id) {
      counter += 1;
      element.id = "glans-field-label-" + counter;
    }
    return element.id;
  }

  /* The id of what names the editor: the label of its field (a panel's FieldPanel:
     label[for] its hidden input); in a StreamField, the label of its StructBlock child
     (a <label> without for) or the heading of its block's panel. */
  function labelIdFor(editor) {
    var wrapper = editor.closest(".Draftail-Editor");
    for (var node = wrapper.parentNode; node && node !== document.body; node = node.parentNode) {
      var input = node.querySelector(":scope > input[id]");
      if (input) {
        var label = document.querySelector('label[for="' + CSS.escape(input.id) + '"]');
        if (label) {
          return idOf(label);
        }
      }
      var childLabel = node.querySelector(":scope > label.w-field__label");
      if (childLabel) {
        return idOf(childLabel);
      }
      if (node.matches("[data-panel][aria-labelledby]")) {
        return node.getAttribute("aria-labelledby");
      }
    }
    return null;
  }

  function nameEditors() {
    var editors = document.querySelectorAll(
      ".Draftail-Editor [contenteditable][role=textbox]:not([aria-labelledby]):not([aria-label])"
    );
    editors.forEach(function (editor) {
      var id = labelIdFor(editor);
      if (id) {
        editor.setAttribute("aria-labelledby", id);
      }
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
