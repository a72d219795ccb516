/* GLANS conversation scenario. Builds DOM with textContent only: no author or learner text
 * is ever parsed as HTML. */
function GlansConversation(runtime, element) {
  "use strict";
  var root = element.querySelector(".glans-conversation");
  function part(name) { return root.querySelector('[data-role="' + name + '"]'); }
  function text(tag, value, cls) {
    var node = document.createElement(tag);
    node.textContent = value;
    if (cls) { node.className = cls; }
    return node;
  }
  function showError(message) {
    var error = part("error");
    error.textContent = message || "";
    error.hidden = !message;
  }
  function renderStep(step) {
    var holder = part("step");
    holder.textContent = "";
    holder.hidden = !step;
    if (!step) { return; }
    var line = document.createElement("p");
    line.appendChild(text("strong", step.speaker));
    line.appendChild(document.createTextNode(": " + step.says));
    holder.appendChild(line);
    var choices = document.createElement("div");
    choices.setAttribute("data-role", "choices");
    choices.setAttribute("data-step", step.id);
    step.choices.forEach(function (choice, index) {
      var button = text("button", choice, "button button--secondary");
      button.type = "button";
      button.setAttribute("data-choice", String(index));
      choices.appendChild(button);
    });
    holder.appendChild(choices);
  }
  root.addEventListener("click", function (event) {
    var button = event.target.closest("[data-choice]");
    if (button) {
      var step = button.closest("[data-step]").getAttribute("data-step");
      showError("");
      runtime.postJSON(element, "choose", { step: step, choice: Number(button.getAttribute("data-choice")) })
        .then(function (result) {
          var item = document.createElement("li");
          var said = document.createElement("p");
          said.appendChild(text("strong", result.said.speaker + ":"));
          said.appendChild(document.createTextNode(" " + result.said.says));
          item.appendChild(said);
          item.appendChild(text("p", "→ " + result.answer));
          item.appendChild(text("p", (result.letter ? result.letter + " · " : "") + result.feedback, "help"));
          part("history").appendChild(item);
          renderStep(result.step);
          if (result.finished) {
            part("result").textContent = result.practice
              ? (root.getAttribute("data-practice-text") || "Oefenronde:") + " " + result.score +
                "% · " + (root.getAttribute("data-counted-text") || "Telt:") + " " +
                result.graded_score + "%"
              : (root.getAttribute("data-done-text") || "Score:") + " " + result.score + "%";
            part("result").hidden = false;
            part("restart").hidden = false;
          }
        })
        .catch(function (error) { showError(error.message); });
      return;
    }
    if (event.target.closest('[data-role="restart"]')) {
      runtime.postJSON(element, "restart", {}).then(function (result) {
        part("history").textContent = "";
        part("result").hidden = true;
        part("restart").hidden = true;
        renderStep(result.step);
      }).catch(function (error) { showError(error.message); });
    }
  });
  return {};
}
