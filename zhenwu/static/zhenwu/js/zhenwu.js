// Small behaviours used across pages (no inline scripts: the CSP allows only our own files).
document.addEventListener("DOMContentLoaded", function () {
  // <select data-autosubmit> submits its form when changed (filters, per-page).
  document.body.addEventListener("change", function (e) {
    var el = e.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) el.form.requestSubmit();
  });
  // <button data-confirm="…"> asks before submitting.
  document.body.addEventListener("click", function (e) {
    var el = e.target.closest && e.target.closest("[data-confirm]");
    if (el && !window.confirm(el.getAttribute("data-confirm"))) e.preventDefault();
  });
  // <button data-toggle-filters> folds a list's filters open or shut on a phone.
  document.body.addEventListener("click", function (e) {
    var el = e.target.closest && e.target.closest("[data-toggle-filters]");
    if (!el) return;
    var open = el.form.classList.toggle("filters-open");
    el.setAttribute("aria-expanded", open ? "true" : "false");
  });
  // <a data-print> prints the page.
  document.body.addEventListener("click", function (e) {
    var el = e.target.closest && e.target.closest("[data-print]");
    if (el) { e.preventDefault(); window.print(); }
  });
});
