// Stage move forms: show the 终止原因 field only when 终止 is chosen (works after htmx swaps).
(function () {
  "use strict";
  function sync(select) {
    var form = select.closest("form");
    var row = form && form.querySelector("[data-reason-row]");
    if (!row) return;
    var terminating = select.value === "terminated";
    row.classList.toggle("d-none", !terminating);
    var input = row.querySelector("input");
    if (input) input.required = terminating;
  }
  function init(root) {
    root.querySelectorAll("select[data-stage-select]").forEach(sync);
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select[data-stage-select]")) sync(event.target);
  });
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (event) { init(event.target); });
})();
