// A delete link (a[data-confirm]) opens the page's confirmation dialog instead of the
// confirmation page; the dialog's form posts to the link's URL. Without this script the link
// opens that page, which asks the same question (workbench/confirm.py).
document.addEventListener("click", function (event) {
  var link = event.target.closest("a[data-confirm]");
  var dialog = document.getElementById("confirm-dialog");
  if (!link || !dialog || typeof dialog.showModal !== "function") {
    return;
  }
  event.preventDefault();
  var form = dialog.querySelector("form.confirm");
  form.action = link.href;
  dialog.querySelector(".question").textContent = link.dataset.confirm;
  dialog.showModal();
  dialog.querySelector("button.danger").focus();
});
document.addEventListener("click", function (event) {
  if (event.target.matches("#confirm-dialog button.cancel")) {
    event.target.closest("dialog").close();
  }
});
