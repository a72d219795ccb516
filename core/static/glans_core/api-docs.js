/* Starts the vendored Swagger UI on /api/v1/docs (no inline script; settings come as JSON). */
(function () {
  var body = document.querySelector("body").dataset;
  var config = JSON.parse(document.getElementById("swagger-settings").textContent);
  config.dom_id = "#swagger-ui";
  config.presets = [window.SwaggerUIBundle.presets.apis];
  // Headings in order: Swagger UI's title is an h1 and its tags are h3; a (visually hidden)
  // h2 above the operations closes the gap (axe: heading-order, issue #25).
  config.plugins = [function () {
    return {
      wrapComponents: {
        operations: function (Original, system) {
          return function (props) {
            var React = system.React;
            return React.createElement(React.Fragment, null,
              React.createElement("h2", {className: "visually-hidden"}, body.operationsHeading),
              React.createElement(Original, props));
          };
        }
      }
    };
  }];
  if (body.apiCsrf && body.csrfToken) {
    config.requestInterceptor = function (req) {
      req.headers["X-CSRFToken"] = body.csrfToken;
      return req;
    };
  }
  window.SwaggerUIBundle(config);
})();
