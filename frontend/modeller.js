// The edit page's modeller: bpmn-js with its palette, context pad, lanes and in-place label
// editing. Save writes the diagram's BPMN XML into the page's form and posts it (with the CSRF
// token): the server imports, validates and stores it as the next version, like an upload.
import Modeler from "bpmn-js/lib/Modeler";
import "bpmn-js/dist/assets/diagram-js.css";
import "bpmn-js/dist/assets/bpmn-js.css";
import "bpmn-js/dist/assets/bpmn-font/css/bpmn.css";
import "./workbench-bpmn.css";
import { fetchXml, pageData, showCanvas, showFindings, zoomControls } from "./common.js";

async function open(host) {
  const form = document.getElementById(host.dataset.form);
  host.hidden = false; // a hidden container has no size, and bpmn-js could not fit the diagram
  const modeller = new Modeler({ container: host });
  const xml = await fetchXml(host.dataset.xmlUrl);
  performance.mark("bpmn:fetched"); // marks for bench/modeller_bench.py: where the time goes
  const { warnings } = await modeller.importXML(xml);
  performance.mark("bpmn:imported");
  if (warnings.length) console.warn("bpmn modeller import warnings:", warnings);
  showCanvas(host);
  const canvas = modeller.get("canvas");
  canvas.zoom("fit-viewport", "auto");
  zoomControls(host, canvas);
  showFindings(modeller, pageData(host.dataset.findings));
  let dirty = false;
  modeller.on("commandStack.changed", () => {
    dirty = true;
    // The findings are the saved version's: once the drawing changes they may no longer hold.
    host.classList.add("bpmn-edited");
  });
  window.addEventListener("beforeunload", (event) => {
    if (dirty) event.preventDefault();
  });
  form.hidden = false;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const { xml } = await modeller.saveXML({ format: true });
    // A file part: the XML of a large diagram would not fit a plain form field's limit.
    const files = new DataTransfer();
    files.items.add(new File([xml], "diagram.bpmn", { type: "application/xml" }));
    form.elements.namedItem("bpmn").files = files.files;
    dirty = false;
    form.submit();
  });
  host.dataset.state = "ready";
  window.workbenchModeller = modeller; // for the browser tests and the benchmark
}

for (const host of document.querySelectorAll("[data-bpmn-modeller]")) {
  open(host).catch((error) => {
    host.dataset.state = "failed";
    host.hidden = true;
    console.warn("bpmn modeller:", error.message);
  });
}
