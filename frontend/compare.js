// The two comparison views. Side by side: the AS-IS (before) left and the TO-BE (after) right,
// zoom and pan kept in step, and a matched pair (the server's node_pairs / flow_pairs) lit up
// together when the pointer is on either. Overlay: the TO-BE alone with the changes coloured.
import NavigatedViewer from "bpmn-js/lib/NavigatedViewer";
import "bpmn-js/dist/assets/diagram-js.css";
import "bpmn-js/dist/assets/bpmn-js.css";
import "bpmn-js/dist/assets/bpmn-font/css/bpmn.css";
import "./workbench-bpmn.css";
import { element, fetchXml, pageData, showCanvas, zoomControls } from "./common.js";

async function openViewer(host, url) {
  host.hidden = false; // a hidden container has no size, and bpmn-js could not fit the diagram
  const viewer = new NavigatedViewer({ container: host });
  await viewer.importXML(await fetchXml(url));
  return viewer;
}

function mark(viewer, ids, marker) {
  const registry = viewer.get("elementRegistry");
  const canvas = viewer.get("canvas");
  for (const id of ids) {
    if (id && registry.get(id)) canvas.addMarker(id, marker);
  }
}

// A badge naming the kinds of change (e.g. "renamed") on each changed element of `viewer`.
function badges(viewer, rows, side) {
  const registry = viewer.get("elementRegistry");
  const overlays = viewer.get("overlays");
  for (const row of rows) {
    const id = row[side];
    if (!id || !registry.get(id) || !row.before || !row.after) continue;
    const badge = element("div", "diff-badge", row.labels.join(", "));
    badge.dataset.element = id;
    badge.dataset.kinds = row.kinds.join(" ");
    overlays.add(id, "diff", { position: { bottom: 4, left: 0 }, html: badge });
  }
}

function colour(viewer, rows, side) {
  const other = side === "after" ? "before" : "after";
  const only = side === "after" ? "added" : "removed";
  mark(viewer, rows.filter((r) => r.kinds.includes(only)).map((r) => r[side]), `diff-${only}`);
  mark(viewer, rows.filter((r) => r[side] && r[other]).map((r) => r[side]), "diff-changed");
  badges(viewer, rows, side);
}

// Zoom and pan of one canvas copied to the other; the guard stops the echo coming back.
function synchronise(first, second) {
  let busy = false;
  const follow = (source, target) => {
    source.on("canvas.viewbox.changed", ({ viewbox }) => {
      if (busy) return;
      busy = true;
      target.get("canvas").viewbox({ x: viewbox.x, y: viewbox.y, width: viewbox.width, height: viewbox.height });
      busy = false;
    });
  };
  follow(first, second);
  follow(second, first);
}

function linkPairs(before, after, pairs) {
  const reverse = Object.fromEntries(Object.entries(pairs).map(([b, a]) => [a, b]));
  let lit = [];
  const clear = () => {
    for (const [viewer, id] of lit) viewer.get("canvas").removeMarker(id, "pair-hover");
    for (const row of document.querySelectorAll("tr.pair-hover")) row.classList.remove("pair-hover");
    lit = [];
  };
  const light = (beforeId, afterId) => {
    clear();
    for (const [viewer, id] of [[before, beforeId], [after, afterId]]) {
      if (id && viewer.get("elementRegistry").get(id)) {
        viewer.get("canvas").addMarker(id, "pair-hover");
        lit.push([viewer, id]);
      }
    }
    for (const row of document.querySelectorAll("tr[data-before], tr[data-after]")) {
      if ((beforeId && row.dataset.before === beforeId) || (afterId && row.dataset.after === afterId)) {
        row.classList.add("pair-hover");
      }
    }
    document.body.dataset.hoverPair = `${beforeId || ""}|${afterId || ""}`;
  };
  before.on("element.hover", ({ element: e }) => light(e.id, pairs[e.id]));
  after.on("element.hover", ({ element: e }) => light(reverse[e.id], e.id));
  before.on("element.out", clear);
  after.on("element.out", clear);
  for (const row of document.querySelectorAll("tr[data-before], tr[data-after]")) {
    row.addEventListener("mouseenter", () => light(row.dataset.before, row.dataset.after));
    row.addEventListener("mouseleave", clear);
  }
}

async function sideBySide(data) {
  const beforeHost = document.getElementById("compare-before");
  const afterHost = document.getElementById("compare-after");
  const [before, after] = await Promise.all([
    openViewer(beforeHost, data.before_url),
    openViewer(afterHost, data.after_url),
  ]);
  showCanvas(beforeHost);
  showCanvas(afterHost);
  colour(before, data.rows, "before");
  colour(after, data.rows, "after");
  after.get("canvas").zoom("fit-viewport", "auto");
  before.get("canvas").viewbox(after.get("canvas").viewbox());
  synchronise(before, after);
  linkPairs(before, after, data.pairs);
  zoomControls(afterHost, after.get("canvas"));
  window.workbenchCompare = { before, after };
  afterHost.dataset.state = "ready";
}

async function overlay(data) {
  const host = document.getElementById("compare-after");
  const after = await openViewer(host, data.after_url);
  showCanvas(host);
  colour(after, data.rows, "after");
  after.get("canvas").zoom("fit-viewport", "auto");
  zoomControls(host, after.get("canvas"));
  window.workbenchCompare = { after };
  host.dataset.state = "ready";
}

const data = pageData("compare-data");
if (data) {
  (data.mode === "side" ? sideBySide(data) : overlay(data)).catch((error) => {
    for (const id of ["compare-before", "compare-after"]) {
      const host = document.getElementById(id);
      if (host) {
        host.dataset.state = "failed";
        host.hidden = true;
      }
    }
    console.warn("bpmn comparison:", error.message);
  });
}
