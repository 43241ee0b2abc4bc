/* planlod query page: runs the form's SPARQL query against the endpoint and shows the result as a table.
 * No dependencies. Without this script the page still shows the examples, and the form and the example
 * links send the query straight to the endpoint. The endpoint is the form's action, relative to the page.
 * A ?query=... in the page's URL is loaded into the form and run, so a query can be linked to. */
(function () {
  "use strict";

  var ACCEPT = "application/sparql-results+json, text/turtle;q=0.9";
  var XSD = "http://www.w3.org/2001/XMLSchema#";
  // Datatypes shown without a note: the value says what it is.
  var PLAIN = [XSD + "integer", XSD + "decimal", XSD + "double", XSD + "boolean"];
  var PREFIXES = [
    ["rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"],
    ["rdfs", "http://www.w3.org/2000/01/rdf-schema#"],
    ["xsd", XSD],
    ["owl", "http://www.w3.org/2002/07/owl#"],
    ["skos", "http://www.w3.org/2004/02/skos/core#"],
    ["dct", "http://purl.org/dc/terms/"],
    ["prov", "http://www.w3.org/ns/prov#"],
    ["org", "http://www.w3.org/ns/org#"],
    ["foaf", "http://xmlns.com/foaf/0.1/"],
    ["schema", "https://schema.org/"],
    ["sdg", "http://metadata.un.org/sdg/"]
  ];
  // Set from the form: the site's base IRI, the site root relative to this page, and the link policy's schemes
  // (the same list the pages follow): an IRI with any other scheme (javascript:, data:, ...) is shown as text.
  var site = { base: "", root: "", schemes: ["http", "https", "mailto"] };

  function shortIri(iri) {
    if (site.base && iri.indexOf(site.base + "ontologi/") === 0 && iri.length > site.base.length + 9) {
      return "plo:" + iri.slice(site.base.length + 9);
    }
    if (site.base && iri.indexOf(site.base) === 0) { return iri.slice(site.base.length) || "/"; }
    for (var i = 0; i < PREFIXES.length; i++) {
      var local = iri.slice(PREFIXES[i][1].length);
      if (iri.indexOf(PREFIXES[i][1]) === 0 && /^[A-Za-z0-9_.\-]+$/.test(local)) { return PREFIXES[i][0] + ":" + local; }
    }
    return iri;
  }

  function allowedLink(iri) {
    // The link policy: an absolute IRI whose scheme is in the list, without whitespace or control characters
    // (a browser would strip them and read "java\tscript:" as "javascript:").
    if (typeof iri !== "string" || /[\u0000-\u0020\u007f-\u009f]/.test(iri)) { return false; }
    var scheme = /^([A-Za-z][A-Za-z0-9+.\-]*):/.exec(iri);
    if (!scheme || site.schemes.indexOf(scheme[1].toLowerCase()) < 0) { return false; }
    var rest = iri.slice(scheme[0].length);
    return scheme[1].toLowerCase() === "mailto" ? rest.length > 0 : rest.indexOf("//") === 0;
  }

  function linkFor(iri) {
    // Null when the IRI may not be a link (see allowedLink).
    if (!allowedLink(iri)) { return null; }
    // The site's own IRIs link to this copy of the site, so that they work wherever it is served.
    if (site.base && iri.indexOf(site.base) === 0 && iri.indexOf("#") < 0) {
      var path = iri.slice(site.base.length);
      var local = new URL(site.root + path + (path && !/\.[a-z]+$/.test(path) ? "/" : ""), document.baseURI);
      return allowedLink(local.href) ? local.href : null;
    }
    var sdg = /^http:\/\/metadata\.un\.org\/sdg\/([0-9]+(\.[0-9a-z]+)?)$/.exec(iri);
    if (sdg) {
      // The site has a page for every UN goal and target its data link to.
      return new URL(site.root + "sdg/" + sdg[1] + "/", document.baseURI).href;
    }
    return iri;
  }

  function element(name, attributes, text) {
    var node = document.createElement(name);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function termCell(term) {
    var cell = element("td");
    if (!term) { return cell; }
    if (term.type === "uri") {
      var href = linkFor(term.value);
      if (href) {
        cell.appendChild(element("a", { href: href, title: term.value }, shortIri(term.value)));
      } else {
        cell.appendChild(element("code", { "class": "iri" }, "<" + term.value + ">"));
      }
    } else if (term.type === "bnode") {
      cell.appendChild(element("code", {}, "_:" + term.value));
    } else if (term.type === "triple") {
      cell.appendChild(element("code", {}, "<< " + [term.value.subject, term.value.predicate, term.value.object]
        .map(function (t) { return t.type === "uri" ? "<" + t.value + ">" : t.value; }).join(" ") + " >>"));
    } else {
      cell.appendChild(document.createTextNode(term.value));
      var shown = term.datatype && PLAIN.indexOf(term.datatype) < 0 ? shortIri(term.datatype) : "";
      var note = term["xml:lang"] ? "@" + term["xml:lang"] : shown;
      if (note) {
        cell.appendChild(document.createTextNode(" "));
        cell.appendChild(element("span", { "class": "dt", title: term.datatype || "" }, note));
      }
      if (term["xml:lang"]) { cell.setAttribute("lang", term["xml:lang"]); }
    }
    return cell;
  }

  function solutionsTable(data, strings) {
    var vars = data.head.vars || [];
    var table = element("table", { "class": "results" });
    table.appendChild(element("caption", { "class": "visually-hidden" }, strings.caption));
    var head = element("thead");
    var row = element("tr");
    vars.forEach(function (name) { row.appendChild(element("th", { scope: "col" }, "?" + name)); });
    head.appendChild(row);
    table.appendChild(head);
    var body = element("tbody");
    data.results.bindings.forEach(function (binding) {
      var tr = element("tr");
      vars.forEach(function (name) { tr.appendChild(termCell(binding[name])); });
      body.appendChild(tr);
    });
    table.appendChild(body);
    var wrapper = element("div", { "class": "scroll", tabindex: "0" });
    wrapper.appendChild(table);
    return wrapper;
  }

  function setup() {
    var form = document.getElementById("query-form");
    if (!form) { return; }
    var textarea = document.getElementById("query");
    var status = document.getElementById("query-status");
    var results = document.getElementById("query-results");
    var strings = JSON.parse(form.getAttribute("data-strings") || "{}");
    site.base = form.getAttribute("data-base") || "";
    site.root = form.getAttribute("data-site-root") || "";
    var schemes = (form.getAttribute("data-link-schemes") || "").split(" ").filter(Boolean);
    if (schemes.length) { site.schemes = schemes; }
    var endpoint = new URL(form.getAttribute("action"), document.baseURI).href;
    var shown = document.getElementById("endpoint-url");
    if (shown) { shown.textContent = endpoint; }

    function message(kind, text) {
      results.appendChild(element("p", { "class": kind }, text));
    }

    function run(query) {
      results.textContent = "";
      status.textContent = strings.running;
      var started = performance.now();
      var body = new URLSearchParams();
      body.set("query", query);
      return fetch(endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT },
        body: body.toString()
      }).then(function (response) {
        var seconds = ((performance.now() - started) / 1000).toFixed(2);
        var type = (response.headers.get("Content-Type") || "").split(";")[0].trim();
        var capped = response.headers.get("X-SPARQL-MaxRows");
        return response.text().then(function (text) {
          status.textContent = "";
          if (!response.ok) {
            message("query-error", strings.failed + " (HTTP " + response.status + "): " + text);
            return;
          }
          if (capped) { message("query-warning", strings.capped.replace("{n}", capped)); }
          if (type === "application/sparql-results+json" || type === "application/json") {
            var data = JSON.parse(text);
            if (typeof data.boolean === "boolean") {
              results.appendChild(element("p", { "class": "boolean" }, data.boolean ? strings.yes : strings.no));
              status.textContent = seconds + " " + strings.seconds;
              return;
            }
            results.appendChild(solutionsTable(data, strings));
            status.textContent = data.results.bindings.length + " " + strings.rows + ", " + seconds + " " + strings.seconds;
          } else {
            results.appendChild(element("pre", { "class": "graph" }, text));
            status.textContent = type + ", " + seconds + " " + strings.seconds;
          }
        });
      }).catch(function (error) {
        status.textContent = "";
        message("query-error", strings.unreachable + ": " + error);
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var query = textarea.value;
      var url = new URL(window.location.href);
      url.searchParams.set("query", query);
      url.hash = "";
      window.history.replaceState(null, "", url.href);
      run(query);
    });

    Array.prototype.forEach.call(document.querySelectorAll("a.load-example"), function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        var query = new URL(link.href).searchParams.get("query") || "";
        textarea.value = query;
        form.scrollIntoView();
        textarea.focus();
        form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit", { cancelable: true }));
      });
    });

    var given = new URLSearchParams(window.location.search).get("query");
    if (given) {
      textarea.value = given;
      run(given);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
}());
