// SPEC T-01 registration form: picking a unit or resident from the lookup fills the form and shows the
// unit's open orders (the URL comes from the form's data-duplicates-url; no inline script, issue 13.2).
document.addEventListener("click", function (e) {
  var a = e.target.closest("[data-pick]");
  if (!a) return;
  e.preventDefault();
  document.getElementById("id_unit").value = a.dataset.unit || "";
  document.getElementById("id_resident").value = a.dataset.resident || "";
  document.getElementById("id_unit_code").value = a.dataset.code || "";
  if (a.dataset.name) document.getElementById("id_reporter_name").value = a.dataset.name;
  if (a.dataset.phone) document.getElementById("id_phone").value = a.dataset.phone;
  document.getElementById("lookup").innerHTML = "";
  var form = document.querySelector("[data-duplicates-url]");
  if (a.dataset.unit && form) {
    htmx.ajax("GET", form.dataset.duplicatesUrl + "?unit=" + encodeURIComponent(a.dataset.unit), "#duplicates");
  }
});
