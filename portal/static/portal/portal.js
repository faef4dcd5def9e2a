// issue 22: the photo picker is a large button; the browser's own file widget (its words may be English) is hidden
document.addEventListener("change", (ev) => {
  const input = ev.target;
  if (!(input instanceof HTMLInputElement) || input.type !== "file") return;
  const out = input.closest(".mb-3")?.querySelector("[data-file-count]");
  if (out) out.textContent = input.files.length ? `${input.files.length} ${out.dataset.label}` : "";
});
