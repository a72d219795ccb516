/* Starts the vendored Swagger UI on /api/v1/docs (no inline script; settings come as JSON). */
(function () {
  var body = document.querySelector("body").dataset;
  var config = JSON.parse(document.getElementById("swagger-settings").textContent);
  config.dom_id = "#swagger-ui";
  config.presets = [window.SwaggerUIBundle.presets.apis];
  if (body.apiCsrf && body.csrfToken) {
    config.requestInterceptor = function (req) {
      req.headers["X-CSRFToken"] = body.csrfToken;
      return req;
    };
  }
  window.SwaggerUIBundle(config);
})();
