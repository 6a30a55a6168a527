// Starts GraphiQL for this API from the files the API ships: no script, style or font comes
// from another host. The page's Content-Security-Policy allows only the API's own origin.
(function () {
  "use strict";

  var DEFAULT_QUERY = [
    "# GraphiQL for the Cixi 2021 Government Work Report API.",
    "# Run a query with Ctrl-Enter or the play button; Ctrl-Space completes fields.",
    "# The schema is in openapi/schema.graphql; the Docs pane browses it here.",
    "",
    "{",
    '  indicator(id: "gdp") {',
    "    nameEn",
    "    observations {",
    "      period",
    "      value",
    "      unit",
    "      source {",
    "        quote",
    "      }",
    "    }",
    "  }",
    "}",
    "",
  ].join("\n");

  var endpoint = window.location.origin + window.location.pathname;
  var params = new URLSearchParams(window.location.search);

  // Keep the query and variables in the address so that a query can be shared as a link.
  function remember(name, value) {
    if (value) {
      params.set(name, value);
    } else {
      params.delete(name);
    }
    var search = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (search ? "?" + search : ""));
  }

  function App() {
    return React.createElement(GraphiQL, {
      fetcher: GraphiQL.createFetcher({ url: endpoint }),
      defaultQuery: DEFAULT_QUERY,
      query: params.get("query") || undefined,
      variables: params.get("variables") || undefined,
      onEditQuery: function (query) { remember("query", query); },
      onEditVariables: function (variables) { remember("variables", variables); },
      defaultEditorToolsVisibility: true,
      inputValueDeprecation: true,
    });
  }

  ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(App));
})();
