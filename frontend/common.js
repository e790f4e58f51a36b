// What the viewer, the modeller and the comparison pages share: reading the data the server put
// in the page (JSON data blocks, which the CSP does not treat as scripts), loading BPMN XML, and
// drawing the server's validation findings on the canvas.

export function pageData(id) {
  const element = document.getElementById(id);
  return element ? JSON.parse(element.textContent) : null;
}

export async function fetchXml(url) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) {
    throw new Error(`${url}: ${response.status}`);
  }
  return response.text();
}

// The canvas replaces the server's SVG only once it has drawn the model: without JavaScript, or
// with a build missing (a plain `pip install .`), or a model bpmn-js cannot read, the SVG stays.
export function showCanvas(host) {
  host.hidden = false;
  const fallback = host.closest("[data-bpmn-figure]")?.querySelector("[data-bpmn-fallback]");
  if (fallback) {
    fallback.hidden = true;
  }
  host.closest("[data-bpmn-figure]")?.classList.add("bpmn-ready");
}

export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// One badge per element with findings (its title lists them), and a marker that outlines it.
export function showFindings(viewer, findings) {
  const registry = viewer.get("elementRegistry");
  const overlays = viewer.get("overlays");
  const canvas = viewer.get("canvas");
  overlays.remove({ type: "lint" });
  const byElement = new Map();
  for (const finding of findings || []) {
    if (!finding.element || !registry.get(finding.element)) continue;
    if (!byElement.has(finding.element)) byElement.set(finding.element, []);
    byElement.get(finding.element).push(finding);
  }
  for (const [id, list] of byElement) {
    const worst = list.some((f) => f.severity === "error") ? "error" : "warning";
    const badge = element("div", `lint-badge lint-${worst}`, String(list.length));
    badge.title = list.map((f) => `${f.rule}: ${f.message}`).join("\n");
    badge.dataset.element = id;
    overlays.add(id, "lint", { position: { top: -8, right: 8 }, html: badge });
    canvas.addMarker(id, `lint-${worst}`);
  }
  return byElement.size;
}

// Zoom buttons for a canvas: in, out and fit (the mouse wheel zooms and dragging pans too).
export function zoomControls(host, canvas) {
  const bar = element("div", "bpmn-zoom");
  const words = pageData("bpmn-labels") || { zoom_in: "+", zoom_out: "−", fit: "Fit" };
  const buttons = [
    ["+", words.zoom_in, () => canvas.zoom(canvas.zoom() * 1.25)],
    ["−", words.zoom_out, () => canvas.zoom(canvas.zoom() / 1.25)],
    [words.fit, words.fit, () => canvas.zoom("fit-viewport", "auto")],
  ];
  for (const [text, title, action] of buttons) {
    const button = element("button", "bpmn-zoom-button", text);
    button.type = "button";
    button.title = title;
    button.setAttribute("aria-label", title);
    button.addEventListener("click", action);
    bar.appendChild(button);
  }
  host.appendChild(bar);
  return bar;
}
