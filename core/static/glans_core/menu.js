/* The main menu folds behind a "Menu" button on narrow screens. Without JavaScript the menu
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
