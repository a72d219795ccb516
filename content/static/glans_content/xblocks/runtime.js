/* GLANS XBlock runtime: initialises every exercise on the page with the JavaScript API
 * XBlocks expect (runtime.handlerUrl, runtime.notify, …) and sends the CSRF token with
 * every non-GET request the blocks make through jQuery or the runtime. */
(function () {
  "use strict";

  function exerciseOf(element) {
    return element.closest("[data-glans-exercise]");
  }

  function csrfToken(element) {
    var exercise = element && exerciseOf(element);
    if (exercise && exercise.dataset.csrf) { return exercise.dataset.csrf; }
    var any = document.querySelector("[data-glans-exercise][data-csrf]");
    return any ? any.dataset.csrf : "";
  }

  function GlansRuntime(element) {
    this.element = element;
    this.children = [];
    this.childMap = {};
  }

  GlansRuntime.prototype.handlerUrl = function (element, handlerName, suffix, query) {
    var wrapper = element.closest("[data-handler-prefix]") || this.element;
    var url = wrapper.getAttribute("data-handler-prefix") + encodeURIComponent(handlerName) + "/";
    if (suffix) { url += String(suffix).replace(/^\/+/, ""); }
    if (query) { url += "?" + query; }
    return url;
  };

  GlansRuntime.prototype.notify = function (name, data) {
    this.element.dispatchEvent(new CustomEvent("xblock:notify", {
      bubbles: true, detail: { name: name, data: data || {} }
    }));
  };

  GlansRuntime.prototype.localize = function (text) { return text; };

  /* A fetch() helper for GLANS's own blocks: JSON in, JSON out, CSRF token included. */
  GlansRuntime.prototype.postJSON = function (element, handlerName, payload) {
    return fetch(this.handlerUrl(element, handlerName), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(element) },
      body: JSON.stringify(payload || {})
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) { throw new Error(body.error || response.statusText); }
        return body;
      });
    });
  };

  function initArgs(element) {
    var script = element.querySelector(":scope > script.xblock_json_init_args");
    if (!script) { return {}; }
    try { return JSON.parse(script.textContent); } catch (e) { return {}; }
  }

  function initBlock(element) {
    if (element.dataset.glansInitialised) { return; }
    element.dataset.glansInitialised = "1";
    var name = element.getAttribute("data-init");
    var init = name && window[name];
    if (typeof init !== "function") { return; }
    try {
      var runtime = new GlansRuntime(element);
      var block = init(runtime, element, initArgs(element)) || {};
      element.xblock = block;
    } catch (error) {
      if (window.console) { window.console.error("XBlock " + name + " failed to start", error); }
    }
  }

  function setupJQuery() {
    var $ = window.jQuery;
    if (!$ || $.glansCsrf) { return; }
    $.glansCsrf = true;
    $.ajaxSetup({
      beforeSend: function (xhr, settings) {
        var method = (settings.type || settings.method || "GET").toUpperCase();
        if (!/^(GET|HEAD|OPTIONS|TRACE)$/.test(method) && !settings.crossDomain) {
          xhr.setRequestHeader("X-CSRFToken", csrfToken(null));
        }
      }
    });
  }

  function start() {
    setupJQuery();
    document.querySelectorAll(".xblock[data-init]").forEach(initBlock);
  }

  window.GlansXBlockRuntime = { start: start, Runtime: GlansRuntime };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
