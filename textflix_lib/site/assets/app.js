/* Textflix: the static site's only script. Hand-written, no framework, no network.
 *
 * Data arrive as script files that call textflix.data(name, value) (see docs/site.md); every
 * piece of review text or metadata is put on the page with textContent, never as HTML.
 */
(function () {
  "use strict";

  var store = {};
  var waiting = {};
  var manifest = null;
  var renderToken = 0;
  var pendingFocus = null;     // a review to focus once the next view is drawn
  var HIGHLIGHTS_SHOWN = 4;    // highlights shown before "show all"
  var GRID_PAGE = 120;         // title cards per screen
  var STRIP_MAX = 400;         // segments drawn at most (larger collections are sampled)
  var SAFE_NAME = /^[A-Za-z0-9_\/-]+$/;
  var IMDB_ID = /^tt[0-9]{7,8}$/;

  // -- data loading ----------------------------------------------------------------------
  window.textflix = {
    data: function (name, value) {
      store[name] = value;
      var w = waiting[name];
      if (w) { delete waiting[name]; w.forEach(function (f) { f.resolve(value); }); }
      if (name === "manifest") { manifest = value; start(); }
    }
  };

  function load(name) {
    if (Object.prototype.hasOwnProperty.call(store, name)) { return Promise.resolve(store[name]); }
    if (!SAFE_NAME.test(name)) { return Promise.reject(new Error("bad data name " + name)); }
    return new Promise(function (resolve, reject) {
      var first = !waiting[name];
      (waiting[name] = waiting[name] || []).push({ resolve: resolve, reject: reject });
      if (!first) { return; }
      var script = document.createElement("script");
      script.src = "data/" + name + ".js";
      script.onerror = function () {
        var w = waiting[name] || [];
        delete waiting[name];
        w.forEach(function (f) { f.reject(new Error("could not load data/" + name + ".js")); });
      };
      document.head.appendChild(script);
    });
  }

  // -- small DOM helpers (text only) -------------------------------------------------------
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) {
      if (arguments[i]) { parent.appendChild(arguments[i]); }
    }
    return parent;
  }
  function link(hash, text, cls) {
    var a = el("a", cls, text);
    a.setAttribute("href", hash);  // always a "#/..." route built by route()
    return a;
  }
  function pct(part, whole, digits) {
    return whole ? (100 * part / whole).toFixed(digits) + "%" : "–";
  }
  /* IMDB text keeps Windows-1252 punctuation as C1 control characters (U+0080-U+009F); show
     the characters meant (one for one, so sentence offsets still hold). */
  var CP1252 = "\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f" +
               "\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178";
  function readable(text) {
    return text.replace(/[\u0080-\u009f]/g, function (ch) { return CP1252.charAt(ch.charCodeAt(0) - 0x80); });
  }
  function labelName(positive) { return positive ? "positive" : "negative"; }

  // -- routes ----------------------------------------------------------------------------
  function parseRoute() {
    var hash = location.hash.replace(/^#/, "");
    var q = hash.indexOf("?");
    var path = q < 0 ? hash : hash.slice(0, q);
    var params = new URLSearchParams(q < 0 ? "" : hash.slice(q + 1));
    var parts = path.split("/").filter(function (p) { return p !== ""; }).map(function (p) {
      try { return decodeURIComponent(p); } catch (e) { return p; }
    });
    var n = manifest.models.length;
    var a = clampModel(params.get("a"), 0);
    var b = clampModel(params.get("b"), a === 0 ? 1 : 0);
    if (b === a) { b = a === 0 ? 1 : 0; }
    var state = {
      view: parts[0] === "title" && parts.length > 1 ? "title" : parts[0] === "disagreements" ? "disagreements" : "grid",
      id: parts[1],
      analysis: params.get("analysis") !== "0",
      accuracy: params.get("accuracy") === "1",
      compare: params.get("compare") === "1" && n > 1,
      a: a, b: n > 1 ? b : a,
      sort: params.get("sort") || "",
      q: params.get("q") || "",
      page: Math.max(0, parseInt(params.get("page") || "0", 10) || 0),
      all: params.get("all") === "1",
      f: params.get("f") || ""
    };
    if (!state.analysis) { state.accuracy = false; }
    return state;
  }
  function clampModel(value, fallback) {
    var i = parseInt(value, 10);
    return i >= 0 && i < manifest.models.length ? i : Math.min(fallback, manifest.models.length - 1);
  }
  /* The hash for a view, carrying the toggles of `state` (changed by `over`). */
  function route(state, over) {
    var s = Object.assign({}, state, over || {});
    var path = s.view === "title" ? "#/title/" + encodeURIComponent(s.id) : s.view === "disagreements" ? "#/disagreements" : "#/";
    var params = new URLSearchParams();
    params.set("analysis", s.analysis ? "1" : "0");
    params.set("accuracy", s.accuracy ? "1" : "0");
    params.set("compare", s.compare ? "1" : "0");
    if (manifest.models.length > 1) { params.set("a", String(s.a)); params.set("b", String(s.b)); }
    if (s.sort) { params.set("sort", s.sort); }
    if (s.q) { params.set("q", s.q); }
    if (s.page) { params.set("page", String(s.page)); }
    if (s.all) { params.set("all", "1"); }
    if (s.f) { params.set("f", s.f); }
    return path + "?" + params.toString();
  }
  function viewOnly(state) {  // the toggles only: what links to another view carry
    return { analysis: state.analysis, accuracy: state.accuracy, compare: state.compare, a: state.a, b: state.b,
             sort: "", q: "", page: 0, all: false, f: "" };
  }
  function go(hash, replace) {
    if (replace) { history.replaceState(null, "", hash); render(); } else { location.hash = hash; }
  }

  // -- header toggles ----------------------------------------------------------------------
  var controls = {};
  function buildToggles() {
    var nav = document.getElementById("toggles");
    nav.textContent = "";
    controls.titles = link("#/", manifest.grouped ? "Titles" : "Reviews", "nav");
    add(nav, controls.titles);
    if (manifest.models.length > 1) {
      controls.disagree = link("#/disagreements", "Disagreements", "nav");
      add(nav, controls.disagree);
    }
    controls.analysis = toggle(nav, "t-analysis", "Analysis", "a", function (s, v) { return { analysis: v, accuracy: v && s.accuracy }; });
    controls.accuracy = toggle(nav, "t-accuracy", "Accuracy", "y", function (s, v) { return { accuracy: v }; });
    if (manifest.models.length > 1) {
      controls.compare = toggle(nav, "t-compare", "Compare models", "m", function (s, v) { return { compare: v }; });
      controls.modelA = modelSelect(nav, "t-model-a", "Model", "a");
      controls.modelB = modelSelect(nav, "t-model-b", "vs", "b");
    }
  }
  function toggle(nav, id, text, key, change) {
    var label = el("label", "toggle");
    var box = el("input");
    box.type = "checkbox";
    box.id = id;
    box.setAttribute("aria-keyshortcuts", key);
    box.addEventListener("change", function () {
      var s = parseRoute();
      go(route(s, change(s, box.checked)));
    });
    add(nav, add(label, box, el("span", null, text)));
    return box;
  }
  function modelSelect(nav, id, text, which) {
    var label = el("label", "model-pick");
    var select = el("select");
    select.id = id;
    manifest.models.forEach(function (m, i) {
      var option = el("option", null, m.n);
      option.value = String(i);
      select.appendChild(option);
    });
    select.addEventListener("change", function () {
      var s = parseRoute();
      var over = {};
      over[which] = parseInt(select.value, 10);
      var other = which === "a" ? "b" : "a";
      if (over[which] === s[other]) { over[other] = s[which]; }
      go(route(s, over));
    });
    add(nav, add(label, el("span", null, text + " "), select));
    label.id = id + "-label";
    return select;
  }
  function updateToggles(s) {
    controls.analysis.checked = s.analysis;
    controls.accuracy.checked = s.accuracy;
    controls.accuracy.disabled = !s.analysis;
    controls.titles.setAttribute("href", route(viewOnly(s), { view: "grid" }));
    if (controls.compare) {
      controls.compare.checked = s.compare;
      controls.modelA.value = String(s.a);
      controls.modelB.value = String(s.b);
      controls.modelB.parentNode.hidden = !s.compare && s.view !== "disagreements";
      controls.disagree.setAttribute("href", route(viewOnly(s), { view: "disagreements" }));
      setCurrent(controls.disagree, s.view === "disagreements");
    }
    setCurrent(controls.titles, s.view === "grid");
    document.body.classList.toggle("plain", !s.analysis);
  }
  function setCurrent(a, yes) { if (yes) { a.setAttribute("aria-current", "page"); } else { a.removeAttribute("aria-current"); } }

  // -- shared pieces -----------------------------------------------------------------------
  function columnsFor(s) { return s.compare ? [s.a, s.b] : [s.a]; }
  function columns(s, fill) {
    var models = columnsFor(s);
    var box = el("div", "cols cols-" + models.length);
    models.forEach(function (m) {
      var col = el("section", "col");
      col.dataset.model = String(m);
      col.setAttribute("aria-label", manifest.models[m].n);
      if (models.length > 1 || manifest.models.length > 1) {
        var head = add(el("div", "col-head"), el("h2", "model-name", manifest.models[m].n));
        if (manifest.models[m].d) { head.appendChild(el("p", "model-desc", manifest.models[m].d)); }
        col.appendChild(head);
      }
      fill(col, m);
      box.appendChild(col);
    });
    return box;
  }
  function titleOf(c) { return c.t && c.t.title !== undefined && c.t.title !== "" ? String(c.t.title) : c.u ? (manifest.grouped ? "Reviews without a title" : "All reviews") : c.id; }
  var BLURB_KEYS = ["plot", "description", "summary", "blurb", "overview"];
  function metaLine(c) {
    if (!c.t) { return null; }
    var parts = [];
    Object.keys(c.t).forEach(function (k) {
      if (k === "title" || BLURB_KEYS.indexOf(k.toLowerCase()) >= 0) { return; }
      var v = c.t[k];
      parts.push(k === "year" ? String(v) : k + ": " + v);
    });
    return parts.length ? el("p", "meta", parts.join(" · ")) : null;
  }
  function blurb(c) {
    if (!c.t) { return null; }
    for (var i = 0; i < BLURB_KEYS.length; i++) {
      for (var k in c.t) { if (k.toLowerCase() === BLURB_KEYS[i]) { return el("p", "blurb", c.t[k]); } }
    }
    return null;
  }
  function countsLine(c, m, s) {
    var st = c.m[m];
    var text = c.n + (c.n === 1 ? " review" : " reviews");
    if (s.analysis) { text += " · " + st.p + " positive (" + Math.round(100 * st.p / Math.max(c.n, 1)) + "%)"; }
    return el("p", "counts", text);
  }
  function accuracyText(ok, labelled) {
    if (!labelled) { return "no labels to compare with"; }
    var wrong = labelled - ok;
    return pct(ok, labelled, 1) + " accuracy (" + wrong + " wrong" + ")";
  }
  function accuracyLine(ok, labelled, total) {
    var p = el("p", "acc", accuracyText(ok, labelled));
    if (labelled && labelled < total) { p.appendChild(el("span", "muted", " · " + (total - labelled) + " without a label")); }
    return p;
  }
  /* One segment per review: positives most certain first, then negatives least certain first. */
  function strip(code) {
    var box = el("div", "strip");
    var n = code.length;
    var pos = 0;
    for (var i = 0; i < n; i++) { if (code.charCodeAt(i) < 97) { pos++; } }
    box.setAttribute("role", "img");
    box.setAttribute("aria-label", "certainty strip: " + pos + " positive, " + (n - pos) + " negative predictions" +
      (n > STRIP_MAX ? " (sampled)" : ""));
    var step = n > STRIP_MAX ? n / STRIP_MAX : 1;
    for (var j = 0; j < Math.min(n, STRIP_MAX); j++) {
      var ch = code.charCodeAt(Math.floor(j * step));
      var positive = ch < 97;
      var level = ch - (positive ? 65 : 97);
      var seg = el("span", "seg " + (positive ? "pos" : "neg"));
      seg.style.setProperty("--c", ((level + 0.5) / 20).toFixed(3));
      box.appendChild(seg);
    }
    return box;
  }
  function certainty(pred) { return pred[0] ? pred[1] : 1 - pred[1]; }
  function scaled(sentences) {
    var top = 0;
    sentences.forEach(function (t) { top = Math.max(top, Math.abs(t[2])); });
    return sentences.map(function (t) { return top ? t[2] / top : 0; });
  }
  function fmtWeight(w) { return (w > 0 ? "+" : w < 0 ? "−" : "") + Math.abs(w).toPrecision(3); }

  /* A review card for model m (index into manifest.models). */
  function reviewCard(r, m, s, extra) {
    var pred = r.p[m];
    var card = el("article", "card review");
    card.tabIndex = -1;
    card.dataset.rid = r.i;
    card.dataset.model = String(m);
    if (extra) { card.appendChild(extra); }
    if (r.f) {
      var parts = Object.keys(r.f).map(function (k) { return k + ": " + r.f[k]; });
      if (parts.length) { card.appendChild(el("p", "fields", parts.join(" · "))); }
    }
    if (s.analysis) {
      card.classList.add(pred[0] ? "pos" : "neg");
      var cls = el("p", "cls " + (pred[0] ? "pos" : "neg"));
      cls.style.setProperty("--c", ((certainty(pred) - 0.5) * 2).toFixed(3));
      add(cls, el("span", "mk", pred[0] ? "+" : "−"), document.createTextNode("classification: " + labelName(pred[0]) +
        " · " + (100 * certainty(pred)).toFixed(1) + "% certainty"));
      cls.firstChild.setAttribute("aria-hidden", "true");
      card.appendChild(cls);
      if (s.accuracy) {
        var lab;
        if (r.g === null || r.g === undefined) {
          lab = el("p", "lab none", "label: none · no label to compare with");
          card.classList.add("unlabelled");
        } else {
          var right = r.g === pred[0];
          lab = el("p", "lab " + (right ? "right" : "wrong") + " " + (r.g ? "gpos" : "gneg"),
            (right ? "✓ " : "✗ ") + "label: " + labelName(r.g === 1) + " · " + (right ? "accurate" : "inaccurate") + " classification");
          card.classList.add(right ? "right" : "wrong");
        }
        card.appendChild(lab);
      }
    }
    card.appendChild(reviewText(r.x, pred[2], s.analysis, s.view === "title" ? s.q : ""));
    return card;
  }
  /* Appends `text` to `parent`, with each occurrence of the search `q` in a <mark>. */
  function appendText(parent, text, q) {
    if (!q) { parent.appendChild(document.createTextNode(text)); return; }
    var lower = text.toLowerCase(), needle = q.toLowerCase(), at = 0, i;
    while ((i = lower.indexOf(needle, at)) >= 0) {
      if (i > at) { parent.appendChild(document.createTextNode(text.slice(at, i))); }
      parent.appendChild(el("mark", null, text.slice(i, i + needle.length)));
      at = i + needle.length;
    }
    if (at < text.length) { parent.appendChild(document.createTextNode(text.slice(at))); }
  }
  function reviewText(text, sentences, analysis, q) {
    var box = el("div", "text");
    text = readable(text);
    if (!analysis || !sentences.length) { appendText(box, text, q); return box; }
    var weights = scaled(sentences);
    var at = 0;
    sentences.forEach(function (t, i) {
      var start = Math.max(t[0], at), end = t[1];
      if (end <= start) { return; }
      if (start > at) { appendText(box, text.slice(at, start), q); }
      var span = el("span", "s");
      span.dataset.s = String(i);
      var w = weights[i];
      if (Math.abs(w) > 0.5) {
        var positive = w > 0;
        span.classList.add("u", positive ? "pos" : "neg");
        span.style.setProperty("--w", Math.abs(w).toFixed(3));
        span.tabIndex = 0;
        var tip = "pushes " + labelName(positive) + " · weight " + fmtWeight(t[2]) + " toward positive (" +
          Math.round(100 * Math.abs(w)) + "% of this review's strongest sentence)";
        span.title = tip;
        span.dataset.tip = tip;
        span.setAttribute("aria-description", tip);
        var mk = el("span", "mk", positive ? "+" : "−");
        mk.setAttribute("aria-hidden", "true");
        span.appendChild(mk);
      }
      appendText(span, text.slice(start, end), q);
      box.appendChild(span);
      at = end;
    });
    if (at < text.length) { appendText(box, text.slice(at), q); }
    return box;
  }
  function sortSelect(id, options, value, onChange) {
    var label = el("label", "ctl");
    var select = el("select");
    select.id = id;
    options.forEach(function (o) {
      var option = el("option", null, o[1]);
      option.value = o[0];
      select.appendChild(option);
    });
    select.value = value;
    select.addEventListener("change", function () { onChange(select.value); });
    return add(label, el("span", null, "Sort "), select);
  }
  function searchBox(id, placeholder, value, onInput) {
    var label = el("label", "ctl search");
    var input = el("input");
    input.type = "search";
    input.id = id;
    input.placeholder = placeholder;
    input.value = value;
    input.setAttribute("aria-keyshortcuts", "/");
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { onInput(input.value); }, 150);
    });
    return add(label, el("span", "visually-hidden", placeholder), input);
  }
  function matches(text, q) { return !q || text.toLowerCase().indexOf(q.toLowerCase()) >= 0; }

  // -- grid --------------------------------------------------------------------------------
  function viewGrid(s, main) {
    var sorts = [["reviews", "most reviews"]];
    if (s.analysis) { sorts.push(["positive", "most positive"], ["negative", "most negative"]); }
    if (s.accuracy) { sorts.push(["accurate", "most accurate"], ["inaccurate", "least accurate"]); }
    var sort = sorts.some(function (o) { return o[0] === s.sort; }) ? s.sort : "reviews";
    var total = 0;
    manifest.c.forEach(function (c) { total += c.n; });
    document.title = manifest.site;
    add(main, el("h1", "page-title", manifest.grouped ? manifest.c.length + " titles · " + total + " reviews" : total + " reviews"));
    var bar = add(el("div", "bar"),
      sortSelect("sort", sorts, sort, function (v) { go(route(s, { sort: v, page: 0 })); }),
      manifest.grouped ? searchBox("search", "Search titles", s.q, function (v) { go(route(s, { q: v, page: 0 }), true); }) : null);
    main.appendChild(bar);
    main.appendChild(columns(s, function (col, m) {
      if (s.accuracy) {
        var ok = 0, g = 0;
        manifest.c.forEach(function (c) { ok += c.m[m].ok; g += c.g; });
        col.appendChild(accuracyLine(ok, g, total));
      }
      var grid = el("div", "grid");
      var shown = manifest.o[m][sort].filter(function (ci) {
        var c = manifest.c[ci];
        return matches(titleOf(c) + " " + c.id + " " + (c.t ? Object.keys(c.t).map(function (k) { return c.t[k]; }).join(" ") : ""), s.q);
      });
      var pages = Math.max(1, Math.ceil(shown.length / GRID_PAGE));
      var page = Math.min(s.page, pages - 1);
      shown.slice(page * GRID_PAGE, (page + 1) * GRID_PAGE).forEach(function (ci) { grid.appendChild(titleCard(manifest.c[ci], m, s)); });
      if (!grid.firstChild) { grid.appendChild(el("p", "empty", "No title matches “" + s.q + "”.")); }
      col.appendChild(grid);
      if (pages > 1) { col.appendChild(pager(s, page, pages)); }
    }));
    return Promise.resolve();
  }
  function titleCard(c, m, s) {
    var card = el("article", "card title-card");
    card.tabIndex = -1;
    card.dataset.id = c.id;
    add(card, add(el("h3", "title-name"), link(route(viewOnly(s), { view: "title", id: c.id }), titleOf(c))),
      metaLine(c), blurb(c), countsLine(c, m, s));
    if (s.accuracy) { card.appendChild(accuracyLine(c.m[m].ok, c.g, c.n)); }
    if (s.analysis) { card.appendChild(strip(c.m[m].s)); }
    return card;
  }

  // -- title page --------------------------------------------------------------------------
  function findCollection(id) {
    for (var i = 0; i < manifest.c.length; i++) { if (manifest.c[i].id === id) { return manifest.c[i]; } }
    return null;
  }
  function loadReviews(c, positions) {  // positions in the collection -> records
    var chunks = {};
    positions.forEach(function (p) { chunks[Math.floor(p / manifest.page)] = true; });
    var names = Object.keys(chunks).map(function (k) { return "c/" + c.k + "/" + k; });
    return Promise.all(names.map(load)).then(function () {
      return positions.map(function (p) { return store["c/" + c.k + "/" + Math.floor(p / manifest.page)].r[p % manifest.page]; });
    });
  }
  function range(n) { var out = []; for (var i = 0; i < n; i++) { out.push(i); } return out; }

  function viewTitle(s, main) {
    var c = findCollection(s.id);
    if (!c) {
      add(main, el("h1", "page-title", "No such title"), el("p", null, "This site has no title “" + s.id + "”."),
        link(route(viewOnly(s), { view: "grid" }), "← all titles"));
      return Promise.resolve();
    }
    document.title = titleOf(c) + " — " + manifest.site;
    var sorts = [["order", "as listed"]];
    if (s.analysis) { sorts.push(["positive", "most positive"], ["negative", "most negative"]); }
    if (s.accuracy) { sorts.push(["accurate", "accurate first"], ["inaccurate", "inaccurate first"]); }
    var sort = sorts.some(function (o) { return o[0] === s.sort; }) ? s.sort : "order";
    var all = range(c.n);
    var needAll = c.pages === 1 || !!s.q;
    return load("c/" + c.k + "/index").then(function (index) {
      return (needAll ? loadReviews(c, all) : Promise.resolve(null)).then(function (records) {
        var header = el("header", "title-head");
        if (manifest.c.length > 1) { header.appendChild(link(route(viewOnly(s), { view: "grid" }), "← all titles", "back")); }
        add(header, el("h1", "page-title", titleOf(c)), metaLine(c), blurb(c));
        if (!c.u && IMDB_ID.test(c.id)) {
          var imdb = el("a", "ext", "IMDb page for " + c.id);
          imdb.href = "https://www.imdb.com/title/" + c.id + "/";
          imdb.rel = "noopener noreferrer";
          header.appendChild(imdb);
        }
        main.appendChild(header);
        main.appendChild(add(el("div", "bar"),
          sortSelect("sort", sorts, sort, function (v) { go(route(s, { sort: v, page: 0 })); }),
          searchBox("search", "Search reviews", s.q, function (v) { go(route(s, { q: v, page: 0 }), true); })));
        var pending = [];
        main.appendChild(columns(s, function (col, m) {
          add(col, countsLine(c, m, s));
          if (s.accuracy) { col.appendChild(accuracyLine(c.m[m].ok, c.g, c.n)); }
          if (s.analysis) {
            col.appendChild(strip(c.m[m].s));
            col.appendChild(highlights(index.h[m], s, function (position) {
              var card = col.querySelector('.card.review[data-pos="' + position + '"]');
              if (card) { card.scrollIntoView({ block: "start" }); card.focus(); return; }
              // not on this screen: go to the screen that has it, in this column's order
              var at = (sort === "order" ? all : index.o[m][sort]).indexOf(position);
              pendingFocus = { model: m, pos: position };
              go(route(s, { q: "", page: Math.floor(at / manifest.screen) }));
            }));
          }
          var order = sort === "order" ? all : index.o[m][sort];
          var list = el("div", "reviews");
          list.setAttribute("aria-label", "reviews");
          col.appendChild(list);
          var shown = order;
          if (records) {
            shown = order.filter(function (p) { return matches(records[p].x, s.q); });
          }
          var pages = Math.max(1, Math.ceil(shown.length / manifest.screen));
          var page = Math.min(s.page, pages - 1);
          var slice = c.pages === 1 ? shown : shown.slice(page * manifest.screen, (page + 1) * manifest.screen);
          if (s.q) {
            list.appendChild(el("p", "showing", shown.length + " of " + c.n + " reviews contain “" + s.q + "”"));
          } else if (slice.length < shown.length) {
            list.appendChild(el("p", "showing", "reviews " + (page * manifest.screen + 1) + "–" +
              (page * manifest.screen + slice.length) + " of " + shown.length));
          }
          pending.push(loadReviews(c, slice).then(function (recs) {
            recs.forEach(function (r, i) {
              var card = reviewCard(r, m, s);
              card.dataset.pos = String(slice[i]);
              list.appendChild(card);
            });
            if (slice.length < shown.length) { list.appendChild(pager(s, page, pages)); }
          }));
        }));
        return Promise.all(pending);
      });
    });
  }
  function pager(s, page, pages) {
    var nav = el("nav", "pager");
    nav.setAttribute("aria-label", "pages");
    if (page > 0) { nav.appendChild(link(route(s, { page: page - 1 }), "← previous")); }
    nav.appendChild(el("span", null, " page " + (page + 1) + " of " + pages + " "));
    if (page + 1 < pages) { nav.appendChild(link(route(s, { page: page + 1 }), "next →")); }
    return nav;
  }
  function highlights(h, s, pick) {
    var box = el("section", "highlights");
    [["p", "np", true], ["n", "nn", false]].forEach(function (kind) {
      var items = h[kind[0]];
      var count = h[kind[1]];
      var block = el("div", "hl-block " + (kind[2] ? "pos" : "neg"));
      block.appendChild(el("h3", "hl-title", count + " " + labelName(kind[2]) + " review highlight" + (count === 1 ? "" : "s")));
      var list = el("ul", "hl-list");
      var shown = s.all ? items : items.slice(0, HIGHLIGHTS_SHOWN);
      shown.forEach(function (item) {
        var li = el("li", "hl " + (kind[2] ? "pos" : "neg"));
        li.dataset.position = String(item[0]);
        var mk = el("span", "mk", kind[2] ? "+" : "−");
        mk.setAttribute("aria-hidden", "true");
        var button = el("button", "hl-text", "“" + readable(item[3]) + "”");
        button.type = "button";
        button.title = "weight " + fmtWeight(kind[2] ? item[2] : -item[2]) + " toward positive · go to the review";
        button.addEventListener("click", function () { pick(item[0]); });
        add(list, add(li, mk, button));
      });
      block.appendChild(list);
      if (items.length > HIGHLIGHTS_SHOWN || count > items.length) {
        block.appendChild(s.all ? link(route(s, { all: false }), "show fewer", "more") :
          link(route(s, { all: true }), "show all " + (count > items.length ? items.length + " strongest of " + count : count), "more"));
      }
      box.appendChild(block);
    });
    return box;
  }
  // -- disagreements -----------------------------------------------------------------------
  function viewDisagreements(s, main) {
    document.title = "Disagreements — " + manifest.site;
    if (manifest.models.length < 2) {
      add(main, el("h1", "page-title", "Disagreements"), el("p", null, "This site has one model: there is nothing to compare."));
      return Promise.resolve();
    }
    var lo = Math.min(s.a, s.b), hi = Math.max(s.a, s.b);
    var info = manifest.d[lo + "-" + hi];
    var A = manifest.models[s.a].n, B = manifest.models[s.b].n;
    var rightA = s.a === lo ? info.a : info.b, rightB = s.a === lo ? info.b : info.a;
    var labelled = info.a + info.b;
    add(main, el("h1", "page-title", "Where " + A + " and " + B + " disagree"));
    var summary = info.n + " review" + (info.n === 1 ? "" : "s") + " on which " + A + " and " + B + " predict different labels.";
    if (labelled) { summary += " " + A + " was right on " + rightA + ", " + B + " on " + rightB + "."; }
    if (labelled < info.n) { summary += " " + (info.n - labelled) + " have no label."; }
    main.appendChild(el("p", "summary", summary));
    var filters = [["", "all disagreements"], ["a", A + " right"], ["b", B + " right"]];
    main.appendChild(add(el("div", "bar"), sortSelect("filter", filters, s.f, function (v) { go(route(s, { f: v, page: 0 })); })));
    main.querySelector("#filter").previousSibling.textContent = "Show ";
    var page = Math.min(s.page, info.pages - 1);
    return load("d/" + lo + "-" + hi + "/" + page).then(function (data) {
      var list = el("div", "disagreements");
      data.d.forEach(function (item) {
        var winner = item.w === null ? null : (item.w === 0 ? lo : hi);
        if (s.f === "a" && winner !== s.a) { return; }
        if (s.f === "b" && winner !== s.b) { return; }
        var c = manifest.c[item.c];
        var row = el("section", "dis");
        row.dataset.rid = item.r.i;
        var head = el("p", "dis-head");
        add(head, link(route(viewOnly(s), { view: "title", id: c.id }), titleOf(c)),
          el("span", "who", winner === null ? " · no label" : " · " + manifest.models[winner].n + " was right"));
        row.appendChild(head);
        var pair = el("div", "cols cols-2");
        [s.a, s.b].forEach(function (m) {
          var col = el("div", "col");
          var name = el("p", "model-name small", manifest.models[m].n + (winner === m ? " ✓ right" : winner === null ? "" : " ✗ wrong"));
          pair.appendChild(add(col, reviewCard(item.r, m, s, name)));
        });
        row.appendChild(pair);
        list.appendChild(row);
      });
      if (!list.firstChild) { list.appendChild(el("p", "empty", "Nothing to show on this page.")); }
      main.appendChild(list);
      if (info.pages > 1) { main.appendChild(pager(s, page, info.pages)); }
    });
  }

  // -- rendering and keys ------------------------------------------------------------------
  function render() {
    var s = parseRoute();
    var token = ++renderToken;
    updateToggles(s);
    var active = document.activeElement;
    var focusId = active && active.id && document.getElementById("main").contains(active) ? active.id : null;
    var caret = focusId && active.selectionStart !== undefined ? active.selectionStart : null;
    var main = el("main");
    main.id = "main";
    main.tabIndex = -1;
    main.dataset.view = s.view;
    main.dataset.state = "loading";
    main.dataset.render = String(token);
    var view = s.view === "title" ? viewTitle : s.view === "disagreements" ? viewDisagreements : viewGrid;
    var old = document.getElementById("main");
    old.parentNode.replaceChild(main, old);
    view(s, main).then(function () {
      if (token !== renderToken) { return; }
      main.dataset.state = "ready";
      if (performance.mark) { performance.mark("textflix-ready"); }  // read by experiments/site_benchmark.py
      if (pendingFocus) {
        var card = main.querySelector('.col[data-model="' + pendingFocus.model + '"] .card.review[data-pos="' + pendingFocus.pos + '"]');
        pendingFocus = null;
        if (card) { card.scrollIntoView({ block: "start" }); card.focus(); return; }
      }
      if (focusId && document.getElementById(focusId)) {
        var again = document.getElementById(focusId);
        again.focus();
        if (caret !== null && again.setSelectionRange) { try { again.setSelectionRange(caret, caret); } catch (e) { /* not a text box */ } }
      }
    }, function (error) {
      if (token !== renderToken) { return; }
      main.appendChild(el("p", "error", "Could not show this view: " + error.message +
        ". Is the data folder next to index.html?"));
      main.dataset.state = "error";
    });
  }
  function onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var t = event.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA")) {
      if (event.key === "Escape") { t.blur(); }
      return;
    }
    var s = parseRoute();
    var key = event.key;
    if (key === "a") { go(route(s, { analysis: !s.analysis, accuracy: s.analysis ? false : s.accuracy })); }
    else if (key === "y" && s.analysis) { go(route(s, { accuracy: !s.accuracy })); }
    else if (key === "m" && manifest.models.length > 1) { go(route(s, { compare: !s.compare })); }
    else if (key === "g") { go(route(viewOnly(s), { view: "grid" })); }
    else if (key === "d" && manifest.models.length > 1) { go(route(viewOnly(s), { view: "disagreements" })); }
    else if (key === "/") {
      var box = document.getElementById("search");
      if (!box) { return; }
      box.focus();
    } else if (key === "?") {
      var help = document.getElementById("help");
      help.open = true;
      help.querySelector("summary").focus();
    } else if (key === "j" || key === "k") {
      var cards = Array.prototype.slice.call(document.querySelectorAll("#main .card"));
      if (!cards.length) { return; }
      var at = cards.indexOf(document.activeElement && document.activeElement.closest ? document.activeElement.closest(".card") : null);
      var next = key === "j" ? Math.min(at + 1, cards.length - 1) : Math.max(at - 1, 0);
      cards[next].focus();
      cards[next].scrollIntoView({ block: "nearest" });
    } else { return; }
    event.preventDefault();
  }

  function start() {
    buildToggles();
    window.addEventListener("hashchange", render);
    document.addEventListener("keydown", onKey);
    render();
  }
})();
