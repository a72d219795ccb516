/* GLANS front-end behaviour, small and optional.

   The main menu folds behind a "Menu" button on narrow screens. Without JavaScript the menu
   simply stays open (the button stays hidden). */
(function () {
  var header = document.querySelector(".site-header");
  var button = header && header.querySelector(".menu-toggle");
  if (!button) return;
  header.classList.add("site-header--js");
  button.hidden = false;
  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    header.classList.toggle("site-header--open", open);
  });
})();

/* A copy button beside a read-only address (data-copy names the field); without JavaScript
   the button stays hidden and the address can be selected by hand. */
(function () {
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var field = document.querySelector(button.getAttribute("data-copy"));
    if (!field || !navigator.clipboard) return;
    var status = button.parentNode.querySelector("[data-copied]");
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        if (status) status.textContent = button.getAttribute("data-done") || "✓";
      });
    });
  });
})();
