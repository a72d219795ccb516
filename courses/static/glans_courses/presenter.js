/* Presenter view of a trainer guide: one step at a time with a running timer per step.
   Keys: → / PageDown / Space next, ← / PageUp previous, P pause or run, F full screen.
   No dependencies; the page works without it (all steps are listed). */
(function () {
  "use strict";
  var root = document.getElementById("presenter");
  if (!root) return;
  var steps = JSON.parse(document.getElementById("presenter-steps").textContent);
  if (!steps.length) return;
  var title = root.querySelector("[data-step-title]");
  var who = root.querySelector("[data-step-who]");
  var counter = root.querySelector("[data-step-counter]");
  var clock = root.querySelector("[data-clock]");
  var total = root.querySelector("[data-total]");
  var pauseButton = root.querySelector("[data-pause]");
  var items = document.querySelectorAll(".present-list li");
  var index = 0, elapsed = 0, sessionElapsed = 0, running = true, last = Date.now();

  function fmt(seconds) {
    var sign = seconds < 0 ? "-" : "";
    seconds = Math.abs(Math.round(seconds));
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return sign + m + ":" + (s < 10 ? "0" : "") + s;
  }
  function show() {
    var step = steps[index];
    title.textContent = step.title;
    who.textContent = step.who;
    // The guide's slides this step names; the others stay hidden.
    root.querySelectorAll("[data-slide]").forEach(function (slide) {
      slide.hidden = (step.slides || []).indexOf(Number(slide.getAttribute("data-slide"))) < 0;
    });
    counter.textContent = root.dataset.counter.replace("{n}", index + 1).replace("{total}", steps.length);
    items.forEach(function (li, i) {
      if (i === index) li.setAttribute("aria-current", "step"); else li.removeAttribute("aria-current");
    });
    tick();
  }
  function tick() {
    var now = Date.now();
    if (running) { elapsed += (now - last) / 1000; sessionElapsed += (now - last) / 1000; }
    last = now;
    var left = steps[index].minutes * 60 - elapsed;
    clock.textContent = fmt(left);
    clock.classList.toggle("is-over", left < 0);
    total.textContent = fmt(sessionElapsed);
  }
  function go(delta) {
    var next = Math.min(Math.max(index + delta, 0), steps.length - 1);
    if (next !== index) { index = next; elapsed = 0; show(); }
  }
  function togglePause() {
    tick(); running = !running;
    pauseButton.textContent = running ? root.dataset.pause : root.dataset.resume;
    pauseButton.setAttribute("aria-pressed", running ? "false" : "true");
  }
  function fullscreen() {
    if (document.fullscreenElement) document.exitFullscreen();
    else if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen();
  }
  root.querySelector("[data-next]").addEventListener("click", function () { go(1); });
  root.querySelector("[data-prev]").addEventListener("click", function () { go(-1); });
  pauseButton.addEventListener("click", togglePause);
  root.querySelector("[data-fullscreen]").addEventListener("click", fullscreen);
  document.addEventListener("keydown", function (event) {
    if (event.target.closest("input, textarea, select") || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === "ArrowRight" || event.key === "PageDown" || event.key === " ") { event.preventDefault(); go(1); }
    else if (event.key === "ArrowLeft" || event.key === "PageUp") { event.preventDefault(); go(-1); }
    else if (event.key === "p" || event.key === "P") { togglePause(); }
    else if (event.key === "f" || event.key === "F") { fullscreen(); }
  });
  root.hidden = false;
  show();
  setInterval(tick, 500);
})();
