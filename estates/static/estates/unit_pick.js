// Issue 20.3: the unit lookup of the registration forms (work orders, complaints). A form with
// data-unit-pick, data-household-url, data-name-field (the caller's name field) and optionally
// data-duplicates-url: picking a unit lists who lives there; picking one of them fills the resident,
// the name and the phone (the first — the owner — is chosen at once). No inline script (issue 13.2).
(function () {
  "use strict";
  function formOf(el) { return el.closest("form[data-unit-pick]"); }
  function set(f, name, value) {
    var el = name && f.querySelector("[name='" + name + "']");
    if (el) el.value = value;
  }
  function choose(f, b, fill) {
    f.querySelectorAll("[data-member]").forEach(function (x) {
      x.classList.toggle("active", x === b);
      x.setAttribute("aria-pressed", x === b ? "true" : "false");
    });
    set(f, "resident", b.dataset.resident || "");
    if (!fill) return;
    set(f, f.dataset.nameField, b.dataset.name || "");
    set(f, "phone", b.dataset.phone || "");
  }
  function household(f, unit, resident, fill) {
    var box = f.querySelector("[data-household-box]");
    if (!box) return;
    if (!unit) { box.innerHTML = ""; return; }
    var url = f.dataset.householdUrl + "?unit=" + encodeURIComponent(unit) +
      (resident ? "&resident=" + encodeURIComponent(resident) : "");
    htmx.ajax("GET", url, {target: box, swap: "innerHTML"}).then(function () {
      var b = box.querySelector("[data-member].active") || box.querySelector("[data-member]");
      if (b) choose(f, b, fill);
    });
    var dup = f.querySelector("#duplicates");
    if (f.dataset.duplicatesUrl && dup) {
      htmx.ajax("GET", f.dataset.duplicatesUrl + "?unit=" + encodeURIComponent(unit), {target: dup, swap: "innerHTML"});
    }
  }
  document.addEventListener("click", function (e) {
    var a = e.target.closest("[data-pick]"), b = e.target.closest("[data-member]");
    var f = (a || b) && formOf(a || b);
    if (!f) return;
    e.preventDefault();
    if (b) { choose(f, b, true); return; }
    f.dataset.unit = a.dataset.unit || "";
    set(f, "unit", a.dataset.unit || "");
    set(f, "unit_code", a.dataset.code || "");
    var list = f.querySelector("[data-lookup-box]");
    if (list) list.innerHTML = "";
    household(f, a.dataset.unit, a.dataset.resident, true);
  });
  // typing another unit after a pick forgets the picked unit and resident (what was typed stays)
  document.addEventListener("input", function (e) {
    var f = e.target.name === "unit_code" && formOf(e.target);
    if (!f) return;
    set(f, "unit", ""); set(f, "resident", ""); f.dataset.unit = "";
    var box = f.querySelector("[data-household-box]");
    if (box) box.innerHTML = "";
  });
  // a form shown again after an error: the chooser comes back without overwriting what was typed
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-unit-pick]").forEach(function (f) {
      var unit = f.querySelector("[name='unit']"), resident = f.querySelector("[name='resident']");
      if (unit && unit.value) household(f, unit.value, resident && resident.value, false);
    });
  });
})();
