/* GLANS appreciation practice (3-op-1): saves the learner's messages and reflection. */
function GlansAppreciation(runtime, element, args) {
  "use strict";
  var form = element.querySelector("form.glans-appreciation");
  function part(name) { return form.querySelector('[data-role="' + name + '"]'); }
  part("add").addEventListener("click", function () {
    var boxes = form.querySelectorAll('textarea[name="message"]');
    if (boxes.length >= (args.maxMessages || 10)) { return; }
    var label = boxes[boxes.length - 1].closest("label").cloneNode(true);
    label.querySelector("textarea").value = "";
    part("messages").appendChild(label);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var messages = Array.prototype.map.call(
      form.querySelectorAll('textarea[name="message"]'), function (box) { return box.value; });
    var error = part("error");
    error.hidden = true;
    runtime.postJSON(element, "submit", {
      messages: messages, reflection: form.querySelector('textarea[name="reflection"]').value
    }).then(function () {
      part("saved").hidden = false;
    }).catch(function (failure) {
      error.textContent = failure.message;
      error.hidden = false;
    });
  });
  return {};
}
