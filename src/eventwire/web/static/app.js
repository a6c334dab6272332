// eventwire's page: filters, a clustered map, a timeline, the event table, the event panel with its
// highlighted evidence, and the actor page with its relations graph. Plain JavaScript, no build step;
// every text from the database is put in the page with textContent, never as HTML.
"use strict";

(() => {
  const TYPE_COLOURS = {
    "Battles": "--t-battles",
    "Explosions/Remote violence": "--t-explosions",
    "Violence against civilians": "--t-vac",
    "Protests": "--t-protests",
    "Riots": "--t-riots",
    "Strategic developments": "--t-strategic",
  };
  const FIELD_LABELS = {
    event_date: "date", event_type: "event type", sub_event_type: "sub-event type", actor1: "actor 1",
    actor2: "actor 2", assoc_actor_1: "assoc. actor 1", assoc_actor_2: "assoc. actor 2", location: "location",
    admin1: "admin1", admin2: "admin2", country: "country", fatalities: "fatalities",
  };
  const FILTER_NAMES = ["q", "since", "until", "country", "event_type", "sub_event_type", "actor", "admin1"];
  const PAGE = 100;
  const css = getComputedStyle(document.documentElement);
  const colour = (type) => css.getPropertyValue(TYPE_COLOURS[type] || "--t-other").trim();

  const $ = (sel, root = document) => root.querySelector(sel);
  const state = { filters: {}, bbox: false, offset: 0, sort: "-date", total: 0, rows: [], selected: -1, token: null };

  // -- small helpers -------------------------------------------------------------------------------------

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (k === "style") node.style.cssText = v;
      else node.setAttribute(k, v);
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c);
    return node;
  }
  function svg(tag, attrs = {}, ...children) {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const c of children.flat()) if (c) node.append(c);
    return node;
  }

  async function api(path, params = {}) {
    const url = new URL(path, location.origin);
    for (const [k, v] of Object.entries(params)) if (v !== "" && v !== null && v !== undefined) url.searchParams.set(k, v);
    const headers = state.token ? { Authorization: `Bearer ${state.token}` } : {};
    const res = await fetch(url, { headers });
    if (res.status === 401) {
      // Reads are behind the token on this server: ask once, keep it for this tab only.
      const token = window.prompt("This eventwire server needs its API token:");
      if (token) {
        state.token = token;
        sessionStorage.setItem("eventwire-token", token);
        return api(path, params);
      }
    }
    if (!res.ok) {
      let detail = res.statusText;
      try { detail = JSON.stringify((await res.json()).detail); } catch (_) { /* not JSON */ }
      throw new Error(`${res.status}: ${detail}`);
    }
    return res.json();
  }

  function queryParams() {
    const p = { ...state.filters };
    if (state.bbox && map) {
      const b = map.getBounds();
      const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
      p.bbox = [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90), clamp(b.getEast(), -180, 180),
        clamp(b.getNorth(), -90, 90)].map((v) => v.toFixed(4)).join(",");
    }
    return p;
  }

  // -- routing: #/?filters, #/event/ID, #/actor/ID ------------------------------------------------------

  function readHash() {
    const [path, query] = location.hash.replace(/^#/, "").split("?");
    const params = new URLSearchParams(query || "");
    const filters = {};
    for (const name of FILTER_NAMES) if (params.get(name)) filters[name] = params.get(name);
    return { path: path || "/", filters };
  }

  function writeHash(path) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(state.filters)) if (v) params.set(k, v);
    const query = params.toString();
    const next = `#${path}${query ? "?" + query : ""}`;
    if (location.hash !== next) location.hash = next;
    else route();
  }

  let lastFilterKey = null;
  async function route() {
    const { path, filters } = readHash();
    state.filters = filters;
    fillFilterForm();
    const key = JSON.stringify(filters) + state.bbox;
    let work = null;
    if (key !== lastFilterKey) {
      lastFilterKey = key;
      state.offset = 0;
      work = refresh();
    }
    const event = path.match(/^\/event\/([0-9a-f]+)$/);
    const actor = path.match(/^\/actor\/(\d+)$/);
    const named = path.match(/^\/actor-name\/(.+)$/);
    if (actor) showActor(actor[1]);
    else if (named) showActor(null, decodeURIComponent(named[1]));
    else hideActor();
    if (event) showEvent(event[1]); else hidePanel();
    return work;
  }

  // -- filters -------------------------------------------------------------------------------------------

  const form = $("#filters");
  const inputs = {
    q: $("#f-q"), since: $("#f-since"), until: $("#f-until"), country: $("#f-country"),
    event_type: $("#f-type"), sub_event_type: $("#f-subtype"), actor: $("#f-actor"), admin1: $("#f-admin1"),
  };

  function fillFilterForm() {
    for (const [name, input] of Object.entries(inputs)) input.value = state.filters[name] || "";
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const filters = {};
    for (const [name, input] of Object.entries(inputs)) if (input.value.trim()) filters[name] = input.value.trim();
    state.filters = filters;
    writeHash(readHash().path.startsWith("/actor") ? "/" : readHash().path);
  });
  for (const id of ["#f-country", "#f-type", "#f-subtype", "#f-since", "#f-until"]) {
    $(id).addEventListener("change", () => form.requestSubmit());
  }
  $("#reset").addEventListener("click", () => { state.filters = {}; fillFilterForm(); writeHash("/"); });
  $("#f-bbox").addEventListener("change", (e) => { state.bbox = e.target.checked; lastFilterKey = null; route(); });

  async function loadFacets() {
    const f = await api("/api/facets");
    for (const c of f.countries) inputs.country.append(el("option", { value: c.iso3 || c.country, text: `${c.country} (${c.events})` }));
    for (const t of f.event_types) inputs.event_type.append(el("option", { value: t.event_type, text: `${t.event_type} (${t.events})` }));
    for (const t of f.sub_event_types) {
      inputs.sub_event_type.append(el("option", { value: t.sub_event_type, "data-type": t.event_type, text: `${t.sub_event_type} (${t.events})` }));
    }
    const legend = $("#legend");
    for (const t of f.event_types) {
      legend.append(el("span", { class: "key", title: `Show only ${t.event_type}`, onclick: () => { state.filters.event_type = t.event_type; writeHash("/"); } },
        el("span", { class: "sw", style: `background:${colour(t.event_type)}` }), t.event_type));
    }
    fillFilterForm();
  }

  // -- map -----------------------------------------------------------------------------------------------

  let map = null;
  let clusters = null;
  function initMap(config) {
    map = L.map("map", { preferCanvas: true, worldCopyJump: true, minZoom: 2, maxZoom: 14, zoomSnap: 0.5 }).setView([12, 20], 3);
    if (config.tile_url) {
      L.tileLayer(config.tile_url, { attribution: config.tile_attribution || "", maxZoom: 18 }).addTo(map);
    }
    fetch("/static/vendor/world-atlas/countries-110m.geojson").then((r) => r.json()).then((geo) => {
      L.geoJSON(geo, {
        style: { color: "#7b8799", weight: 0.8, fillColor: "#f4f1ea", fillOpacity: config.tile_url ? 0 : 1 },
        interactive: false,
      }).addTo(map).bringToBack();
      $("#map").dataset.outlines = String(geo.features.length); // drawn on canvas: say so for the tests
    });
    map.attributionControl.addAttribution("Outlines: Natural Earth");
    clusters = L.markerClusterGroup({
      chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 45, spiderfyOnMaxZoom: true,
      iconCreateFunction: clusterIcon,
    });
    map.addLayer(clusters);
    map.on("moveend", () => { if (state.bbox) { lastFilterKey = null; route(); } });
  }

  function clusterIcon(cluster) {
    // A ring split by event type, so a cluster says what happened there as well as how much.
    const counts = {};
    for (const m of cluster.getAllChildMarkers()) counts[m.options.eventType] = (counts[m.options.eventType] || 0) + 1;
    const n = cluster.getChildCount();
    let at = 0;
    const stops = Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([type, c]) => {
      const from = at; at += (c / n) * 360;
      return `${colour(type)} ${from}deg ${at}deg`;
    });
    const size = n < 10 ? 30 : n < 100 ? 36 : n < 1000 ? 44 : 52;
    return L.divIcon({
      html: `<div class="cluster" style="width:${size}px;height:${size}px;background:conic-gradient(${stops.join(",")})"><span>${n}</span></div>`,
      className: "", iconSize: [size, size],
    });
  }

  async function loadPoints(params) {
    const body = await api("/api/events/points", params);
    const [iId, iLat, iLon, iType, iDate, iDead] = ["id", "latitude", "longitude", "event_type", "event_date", "fatalities"].map((f) => body.fields.indexOf(f));
    const markers = body.points.map((p) => {
      const m = L.circleMarker([p[iLat], p[iLon]], {
        radius: 6 + Math.min(6, Math.sqrt(p[iDead] || 0)), color: "#fff", weight: 1, fillColor: colour(p[iType]),
        fillOpacity: 0.9, eventType: p[iType],
      });
      m.bindTooltip(`${p[iDate] || "undated"} · ${p[iType]}${p[iDead] ? ` · ${p[iDead]} killed` : ""}`);
      m.on("click", () => writeHash(`/event/${p[iId]}`));
      return m;
    });
    clusters.clearLayers();
    clusters.addLayers(markers);
    // Show where the filtered events are, unless the map's own view is the filter.
    if (!state.bbox && markers.length) {
      map.fitBounds(L.latLngBounds(markers.map((m) => m.getLatLng())), { padding: [30, 30], maxZoom: 5 });
    }
  }

  // -- timeline ------------------------------------------------------------------------------------------

  async function loadTimeline(params) {
    const interval = $("#interval").value;
    const stats = await api("/api/stats", { ...params, interval });
    drawTimeline(stats, interval);
    return stats;
  }

  let lastStats = null;
  function drawTimeline(stats, interval) {
    lastStats = [stats, interval];
    const box = $("#timeline");
    box.replaceChildren();
    const width = box.clientWidth || 600;
    const height = box.clientHeight || 140;
    box.setAttribute("viewBox", `0 0 ${width} ${height}`);
    const periods = [...new Set(stats.by_period.map((p) => p.period).filter((p) => p.length === 10))].sort();
    if (!periods.length) {
      box.append(svg("text", { x: 10, y: 20, class: "axis", text: "No dated events." }));
      return;
    }
    // Every day or week between the first and the last, so gaps show as gaps.
    const step = interval === "day" ? 1 : 7;
    const first = new Date(periods[0] + "T00:00:00Z");
    const last = new Date(periods[periods.length - 1] + "T00:00:00Z");
    const slots = [];
    for (let d = new Date(first); d <= last && slots.length < 5000; d.setUTCDate(d.getUTCDate() + step)) slots.push(d.toISOString().slice(0, 10));
    const byPeriod = {};
    for (const p of stats.by_period) (byPeriod[p.period] ||= []).push(p);
    const max = Math.max(1, ...slots.map((s) => (byPeriod[s] || []).reduce((a, p) => a + p.events, 0)));
    const left = 30, bottom = 18, top = 6;
    const bw = Math.min(40, (width - left - 4) / slots.length); // a few weeks need no wall-wide bars
    const scale = (height - bottom - top) / max;
    box.append(svg("text", { x: left - 4, y: top + 8, "text-anchor": "end", class: "axis", text: String(max) }));
    box.append(svg("line", { x1: left, x2: width, y1: height - bottom, y2: height - bottom, stroke: "#c4cad6" }));
    let lastLabel = -Infinity;
    slots.forEach((slot, i) => {
      let y = height - bottom;
      const x = left + i * bw;
      const total = (byPeriod[slot] || []).reduce((a, p) => a + p.events, 0);
      for (const p of (byPeriod[slot] || []).sort((a, b) => a.event_type.localeCompare(b.event_type))) {
        const h = p.events * scale;
        y -= h;
        const rect = svg("rect", {
          class: "bar", x: x + 0.5, y, width: Math.max(1, bw - 1), height: h, fill: colour(p.event_type),
          onclick: () => {
            const end = new Date(slot + "T00:00:00Z");
            end.setUTCDate(end.getUTCDate() + step - 1);
            state.filters.since = slot;
            state.filters.until = end.toISOString().slice(0, 10);
            writeHash("/");
          },
        }, svg("title", { text: `${interval} of ${slot}: ${total} event(s); ${p.event_type}: ${p.events}, ${p.fatalities} killed` }));
        box.append(rect);
      }
      if (x - lastLabel > 70 && (i === 0 || slot.slice(8) <= String(step).padStart(2, "0") || bw > 70)) {
        box.append(svg("text", { x, y: height - 4, class: "axis", text: slot.slice(0, 7) }));
        lastLabel = x;
      }
    });
  }
  $("#interval").addEventListener("change", () => loadTimeline(queryParams()).catch(showError));

  // -- table ---------------------------------------------------------------------------------------------

  async function loadTable(params) {
    const body = await api("/api/events", { ...params, limit: PAGE, offset: state.offset, sort: state.sort });
    state.total = body.total;
    state.rows = body.events;
    state.selected = -1;
    const tbody = $("#events tbody");
    tbody.replaceChildren(...body.events.map((e, i) => el("tr", { "data-id": e.id, onclick: () => { select(i); writeHash(`/event/${e.id}`); } },
      el("td", { text: e.event_date || "undated" }),
      el("td", {}, el("span", { class: "dot", style: `background:${colour(e.event_type)}` }), e.sub_event_type || e.event_type),
      el("td", { text: e.actor1 || "" }),
      el("td", { text: e.actor2 || "" }),
      el("td", { text: [e.location, e.country].filter(Boolean).join(", ") }),
      el("td", { class: "num", text: String(e.fatalities ?? 0) }),
      el("td", { class: "num", text: String(e.number_of_sources) }),
    )));
    const to = Math.min(state.offset + PAGE, state.total);
    $("#page-info").textContent = state.total ? `${state.offset + 1}–${to} of ${state.total.toLocaleString()} events` : "No events match.";
    $("#prev").disabled = state.offset === 0;
    $("#next").disabled = to >= state.total;
    for (const th of document.querySelectorAll("#events th[data-sort]")) {
      const k = th.dataset.sort;
      th.setAttribute("aria-sort", state.sort === k ? "ascending" : state.sort === `-${k}` ? "descending" : "none");
    }
  }

  function select(i) {
    const rows = document.querySelectorAll("#events tbody tr");
    if (!rows.length) return;
    state.selected = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach((r, j) => r.classList.toggle("selected", j === state.selected));
    rows[state.selected].scrollIntoView({ block: "nearest" });
  }

  function page(delta) {
    const next = state.offset + delta * PAGE;
    if (next < 0 || next >= state.total) return;
    state.offset = next;
    loadTable(queryParams()).catch(showError);
  }
  $("#prev").addEventListener("click", () => page(-1));
  $("#next").addEventListener("click", () => page(1));
  for (const th of document.querySelectorAll("#events th[data-sort]")) {
    const toggle = () => {
      const k = th.dataset.sort;
      state.sort = state.sort === `-${k}` ? k : `-${k}`;
      state.offset = 0;
      loadTable(queryParams()).catch(showError);
    };
    th.addEventListener("click", toggle);
    th.addEventListener("keydown", (e) => { if (e.key === "Enter") toggle(); });
  }

  // -- everything for the current filters ----------------------------------------------------------------

  let generation = 0;
  async function refresh() {
    const mine = ++generation;
    const params = queryParams();
    const exportUrl = new URL("/api/events", location.origin);
    for (const [k, v] of Object.entries({ ...params, format: "csv", limit: 1000 })) exportUrl.searchParams.set(k, v);
    $("#export").href = exportUrl.pathname + exportUrl.search;
    $("#summary").textContent = "Loading…";
    try {
      const [, stats] = await Promise.all([loadTable(params), loadTimeline(params), map ? loadPoints(params) : null]);
      if (mine === generation) {
        $("#summary").textContent = `${stats.total.events.toLocaleString()} events · ${stats.total.fatalities.toLocaleString()} fatalities`;
        document.body.dataset.loaded = String(mine); // the browser tests wait for this
      }
    } catch (err) {
      showError(err);
    }
  }

  function showError(err) {
    $("#summary").textContent = `Error: ${err.message}`;
  }

  // -- event panel ---------------------------------------------------------------------------------------

  const panel = $("#panel");
  async function showEvent(id) {
    panel.hidden = false;
    panel.replaceChildren(el("p", { class: "muted", text: "Loading…" }));
    let e;
    try {
      e = await api(`/api/events/${id}`);
      if (readHash().path !== `/event/${id}`) return; // the user moved on while this loaded
    } catch (err) {
      panel.replaceChildren(el("button", { class: "close", onclick: closePanel, text: "×" }), el("p", { class: "error", text: err.message }));
      return;
    }
    const rowIndex = state.rows.findIndex((r) => r.id === id);
    if (rowIndex >= 0) select(rowIndex);
    const actorLink = (name) => name ? el("a", { href: "#", onclick: (ev) => { ev.preventDefault(); openActorByName(name); }, text: name }) : null;
    const fields = el("table", { class: "fields" });
    for (const [key, label] of Object.entries(FIELD_LABELS)) {
      const value = e[key];
      if (value === null || value === undefined || value === "") continue;
      const shown = key.startsWith("actor") || key.startsWith("assoc") ? actorLink(value) : String(value);
      const hasEv = key in e.evidence;
      const row = el("tr", { class: `f-${key}${hasEv ? " has-ev" : ""}`, title: hasEv ? `Evidence: “${e.evidence[key].text}”` : "No evidence span" },
        el("th", { text: label }), el("td", {}, shown));
      if (hasEv) {
        row.addEventListener("mouseenter", () => flash(key, true));
        row.addEventListener("mouseleave", () => flash(key, false));
      }
      fields.append(row);
    }
    const extra = [
      ["precision", `time ${e.time_precision ?? "?"} · geo ${e.geo_precision ?? "?"}`],
      ["coordinates", e.latitude !== null ? `${e.latitude.toFixed(4)}, ${e.longitude.toFixed(4)}` : "none"],
      ["confidence", e.confidence ?? "?"],
      ["sources", e.number_of_sources],
    ];
    for (const [k, v] of extra) fields.append(el("tr", {}, el("th", { text: k }), el("td", { text: String(v) })));
    const sources = e.sources.map((s, i) => el("div", { class: "source" },
      el("h3", {}, `${i + 1}. `, s.url ? el("a", { href: s.url, target: "_blank", rel: "noopener noreferrer", text: s.title || s.url }) : (s.title || "Untitled report")),
      el("div", { class: "meta", text: [s.publisher, s.wire_source, s.published, s.fatalities ? `${s.fatalities} killed (this report)` : null, s.fields_used.filter((f) => f !== "sentence").length ? `gave: ${s.fields_used.filter((f) => f !== "sentence").map((f) => FIELD_LABELS[f] || f).join(", ")}` : null].filter(Boolean).join(" · ") }),
      s.passages.map((p, j) => renderPassage(p, `${i}.${j}`)),
      el("a", { href: `/api/documents/${s.document_id}`, target: "_blank", class: "muted", text: "full text (JSON)" }),
    ));
    panel.replaceChildren(
      el("button", { class: "close", onclick: closePanel, title: "Close (Esc)", text: "×" }),
      el("h2", {}, el("span", { class: "dot", style: `background:${colour(e.event_type)}` }), e.sub_event_type),
      el("div", { class: "sub", text: `${e.event_type} · ${e.event_date || "undated"} · ${[e.location, e.admin1, e.country].filter(Boolean).join(", ")}` }),
      e.notes ? el("p", { text: e.notes }) : null,
      fields,
      el("h3", { text: `Evidence in ${e.sources.length} report(s)` }),
      ...sources,
    );
    panel.focus({ preventScroll: true });
  }

  function renderPassage(p, key) {
    // Split the sentence at every mark boundary; each piece is wrapped in one <mark> per field covering it
    // (two fields may share words, e.g. the event type and sub-type both come from "seized").
    const cuts = new Set([0, p.text.length]);
    for (const m of p.marks) { cuts.add(m.start); cuts.add(m.end); }
    const points = [...cuts].sort((a, b) => a - b);
    const out = el("blockquote", { class: "passage" });
    for (let i = 0; i < points.length - 1; i++) {
      const [a, b] = [points[i], points[i + 1]];
      const covering = p.marks.filter((m) => m.start <= a && b <= m.end);
      let node = document.createTextNode(p.text.slice(a, b));
      for (const m of covering) {
        // data-span ties together the pieces one span was cut into by the marks overlapping it.
        node = el("mark", { class: `ev f-${m.field}`, "data-field": m.field, "data-span": `${key}.${p.marks.indexOf(m)}`,
          title: FIELD_LABELS[m.field] || m.field }, node);
      }
      out.append(node);
      const ending = covering.filter((m) => m.end === b);
      if (ending.length) out.append(el("sup", { class: `field-tag f-${ending[0].field}`, text: ending.map((m) => FIELD_LABELS[m.field] || m.field).join(", ") }));
    }
    return out;
  }

  function flash(field, on) {
    for (const m of panel.querySelectorAll(`mark[data-field="${field}"]`)) m.classList.toggle("flash", on);
  }

  function hidePanel() { panel.hidden = true; }
  function closePanel() { writeHash("/"); }

  // -- actor page ----------------------------------------------------------------------------------------

  const actorPage = $("#actor-page");
  function openActorByName(name) {
    writeHash(`/actor-name/${encodeURIComponent(name)}`);
  }

  async function showActor(id, name) {
    actorPage.hidden = false;
    actorPage.replaceChildren(el("p", { class: "muted", text: "Loading…" }));
    const path = readHash().path;
    let a;
    try {
      a = await (id ? api(`/api/actors/${id}`) : api("/api/actor-card", { name }));
      if (readHash().path !== path) return; // the user moved on while this loaded
    } catch (err) {
      actorPage.replaceChildren(el("button", { onclick: () => history.back(), text: "← Back" }), el("p", { class: "error", text: err.message }));
      return;
    }
    const dl = el("dl", {});
    const add = (k, v) => { if (v !== null && v !== undefined && v !== "") dl.append(el("dt", { text: k }), el("dd", { text: String(v) })); };
    add("type", a.type); add("inter", a.inter); add("country", a.country); add("role", a.role); add("parent", a.parent);
    add("aliases", a.aliases.join(", ")); add("in dictionary", a.known ? "yes" : "no (found in text)");
    add("events", `${a.events} (actor 1: ${a.as_actor1}, actor 2: ${a.as_actor2})`);
    add("fatalities", a.fatalities); add("first seen", a.first_seen); add("last seen", a.last_seen);
    const rels = el("ul", { class: "rel-list" }, a.relations.map((r) => el("li", {},
      el("strong", { text: `${r.subject} ` }), el("span", { class: "muted", text: r.relation.replaceAll("_", " ") }), el("strong", { text: ` ${r.object}` }),
      r.qualifier ? el("span", { class: "muted", text: ` (${r.qualifier})` }) : null,
      el("br"), el("q", { text: r.evidence.text }), " ",
      el("a", { href: `/api/documents/${r.document_id}`, target: "_blank", class: "muted", text: "source" }),
    )));
    const events = el("table", { class: "events" },
      el("thead", {}, el("tr", {}, ["Date", "Type", "Actor 1", "Actor 2", "Location", "Fat."].map((h) => el("th", { text: h })))),
      el("tbody", {}, a.latest_events.map((e) => el("tr", { onclick: () => writeHash(`/event/${e.id}`) },
        el("td", { text: e.event_date || "undated" }), el("td", { text: e.sub_event_type }), el("td", { text: e.actor1 || "" }),
        el("td", { text: e.actor2 || "" }), el("td", { text: [e.location, e.country].filter(Boolean).join(", ") }),
        el("td", { class: "num", text: String(e.fatalities) })))));
    actorPage.replaceChildren(
      el("button", { onclick: () => writeHash("/"), title: "Back to events (Esc)", text: "← Events" }),
      el("h2", { text: a.name }),
      el("div", { class: "actor-grid" },
        el("div", { class: "card" }, dl, el("h3", { text: "Relations" }), a.relations.length ? rels : el("p", { class: "muted", text: "None recorded." })),
        el("div", {}, graph(a), el("p", { class: "muted", text: "Solid lines: relations read in the text. Dashed: met in events (as the other actor)." }),
          el("h3", { text: "Latest events" }), events)),
    );
    actorPage.focus({ preventScroll: true });
  }

  function graph(a) {
    // A radial layout: the actor in the middle, every actor it is related to or met around it; an edge
    // per relation or event type, labelled, so the picture reads without a legend.
    const width = 760, height = 460, cx = width / 2, cy = height / 2;
    const box = svg("svg", { class: "graph", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": `Relations of ${a.name}` });
    const others = new Map();
    for (const r of a.relations) {
      const other = r.subject === a.name ? r.object : r.subject;
      if (other === a.name) continue;
      if (!others.has(other)) others.set(other, []);
      others.get(other).push({ label: r.subject === a.name ? r.relation : `${r.relation} (of)`, kind: "rel" });
    }
    for (const c of a.counterparts.slice(0, 30)) {
      if (!others.has(c.name)) others.set(c.name, []);
      others.get(c.name).push({ label: `${c.event_type} ×${c.events}`, kind: "met" });
    }
    const names = [...others.keys()];
    const radius = Math.min(cx, cy) - 50;
    const edges = svg("g");
    const nodes = svg("g");
    names.forEach((name, i) => {
      const angle = (2 * Math.PI * i) / Math.max(1, names.length) - Math.PI / 2;
      const x = cx + radius * Math.cos(angle), y = cy + radius * Math.sin(angle);
      const links = others.get(name);
      links.forEach((l, j) => {
        const bend = (j - (links.length - 1) / 2) * 24;
        const mx = (cx + x) / 2 - bend * Math.sin(angle), my = (cy + y) / 2 + bend * Math.cos(angle);
        edges.append(svg("path", { class: `edge ${l.kind}`, d: `M${cx},${cy} Q${mx},${my} ${x},${y}` }));
        edges.append(svg("text", { class: "elabel", x: mx, y: my, "text-anchor": "middle", text: l.label.replaceAll("_", " ") }));
      });
      const id = a.actor_ids[name];
      const target = id ? `/actor/${id}` : `/actor-name/${encodeURIComponent(name)}`;
      const right = Math.cos(angle) >= 0;
      const node = svg("g", { class: "node link", transform: `translate(${x},${y})`, tabindex: "0" },
        svg("circle", { r: 9, fill: links.some((l) => l.kind === "rel") ? "#2c3e50" : "#95a5a6" }),
        svg("text", { x: right ? 13 : -13, y: 4, "text-anchor": right ? "start" : "end", text: name.length > 38 ? name.slice(0, 36) + "…" : name }),
        svg("title", { text: name }));
      node.addEventListener("click", () => writeHash(target));
      node.addEventListener("keydown", (e) => { if (e.key === "Enter") writeHash(target); });
      nodes.append(node);
    });
    nodes.append(svg("g", { class: "node", transform: `translate(${cx},${cy})` },
      svg("circle", { r: 14, fill: "#c0392b" }), svg("text", { y: 30, "text-anchor": "middle", "font-weight": "700", text: a.name })));
    if (!names.length) box.append(svg("text", { x: 20, y: 30, class: "elabel", text: "No relations or counterparts recorded." }));
    box.append(edges, nodes);
    return box;
  }

  function hideActor() { actorPage.hidden = true; }

  // -- keyboard ------------------------------------------------------------------------------------------

  document.addEventListener("keydown", (e) => {
    const typing = /^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement.tagName);
    if (e.key === "Escape") {
      if ($("#help").open) return;
      if (typing) { document.activeElement.blur(); return; }
      if (!panel.hidden || !actorPage.hidden) { e.preventDefault(); writeHash("/"); }
      return;
    }
    if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "/") { e.preventDefault(); inputs.q.focus(); inputs.q.select(); }
    else if (e.key === "j") select(state.selected + 1);
    else if (e.key === "k") select(state.selected - 1);
    else if (e.key === "Enter" && state.selected >= 0 && document.activeElement.tagName !== "A" && document.activeElement.tagName !== "BUTTON") {
      writeHash(`/event/${state.rows[state.selected].id}`);
    }
    else if (e.key === "[") page(-1);
    else if (e.key === "]") page(1);
    else if (e.key === "?") $("#help").showModal();
  });
  $("#help-button").addEventListener("click", () => $("#help").showModal());

  // -- start ---------------------------------------------------------------------------------------------

  function measureTop() {
    // The header wraps on narrow screens; the actor page starts below it whatever its height.
    document.documentElement.style.setProperty("--top-height", `${$(".top").offsetHeight}px`);
  }

  async function start() {
    measureTop();
    state.token = sessionStorage.getItem("eventwire-token");
    const config = await api("/api/config");
    initMap(config);
    window.addEventListener("hashchange", route);
    let resizing = null;
    window.addEventListener("resize", () => {
      clearTimeout(resizing);
      resizing = setTimeout(() => { measureTop(); if (lastStats) drawTimeline(...lastStats); }, 150);
    });
    await loadFacets();
    await route();
  }
  start().catch(showError);
})();
