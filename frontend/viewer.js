// The process page's diagram: bpmn-js's navigated viewer (zoom with the wheel, pan by dragging,
// fit), with the server's validation findings as overlays on their elements.
import NavigatedViewer from "bpmn-js/lib/NavigatedViewer";
import "bpmn-js/dist/assets/diagram-js.css";
import "bpmn-js/dist/assets/bpmn-js.css";
import "bpmn-js/dist/assets/bpmn-font/css/bpmn.css";
import "./workbench-bpmn.css";
import { fetchXml, pageData, showCanvas, showFindings, zoomControls } from "./common.js";

async function open(host) {
  host.hidden = false; // a hidden container has no size, and bpmn-js could not fit the diagram
  const viewer = new NavigatedViewer({ container: host });
  await viewer.importXML(await fetchXml(host.dataset.xmlUrl));
  showCanvas(host);
  const canvas = viewer.get("canvas");
  canvas.zoom("fit-viewport", "auto");
  zoomControls(host, canvas);
  showFindings(viewer, pageData(host.dataset.findings));
  host.dataset.state = "ready";
  window.workbenchViewer = viewer; // for the browser tests and the benchmark
}

for (const host of document.querySelectorAll("[data-bpmn-viewer]")) {
  open(host).catch((error) => {
    host.dataset.state = "failed";
    host.hidden = true;
    console.warn("bpmn viewer:", error.message);
  });
}
