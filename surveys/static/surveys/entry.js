// SPEC S-03 fast entry (a static file: no inline script, issue 13.2): digits 1–5 fill a grade and jump to the next; Enter in the unit field jumps to the first grade.
(function () {
  const form = document.getElementById("entry-form");
  const keys = Array.from(form.querySelectorAll(".grade-key"));
  const names = JSON.parse(document.getElementById("grade-names").textContent);
  const show = input => { input.parentElement.querySelector(".grade-label").textContent = names[input.value] || ""; };
  keys.forEach(input => { show(input); input.addEventListener("input", () => show(input)); });
  form.addEventListener("keydown", e => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); form.submit(); } });
  document.querySelectorAll("#entry-form select").forEach(s => s.classList.add("form-select", "form-select-sm"));
  const unit = document.querySelector("[data-testid=unit]");
  unit.addEventListener("keydown", e => { if (e.key === "Enter") { e.preventDefault(); if (keys[0]) keys[0].focus(); } });
  keys.forEach((input, i) => input.addEventListener("keydown", e => {
    if (/^[1-5]$/.test(e.key)) {
      e.preventDefault(); input.value = e.key; show(input);
      (keys[i + 1] || document.getElementById("id_comments")).focus();
    } else if (e.key === "Backspace" && !input.value && i > 0) {
      e.preventDefault(); keys[i - 1].focus(); keys[i - 1].value = ""; show(keys[i - 1]);
    } else if (e.key.length === 1 && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();  // only 1–5 are grades
    }
  }));
})();
