// Behaviour for every page, with no inline script (the Content-Security-Policy allows only files from
// this site, issue 13.2). Wired by data attributes; runs on load and on content htmx swaps in.
(function () {
  "use strict";

  // <select data-autosubmit> / <input data-autosubmit>: submit the enclosing form on change
  document.addEventListener("change", function (e) {
    var el = e.target.closest && e.target.closest("[data-autosubmit]");
    if (el && el.form) el.form.submit();
  });

  // Drawn signatures: <canvas data-signature-pad="input name"> inside a form; a [data-signature-clear]
  // button in the same [data-signature-box] (or the form) clears it; the PNG data URL goes into the
  // form's input of that name after each stroke and on submit.
  function initPad(c) {
    if (c.dataset.ready) return;
    c.dataset.ready = "1";
    var form = c.closest("form");
    var box = c.closest("[data-signature-box]") || form;
    if (!form) return;
    var input = function () { return form.querySelector("[name='" + c.dataset.signaturePad + "']"); };
    if (c.hasAttribute("data-fit") && c.clientWidth) c.width = c.clientWidth;
    var ctx = c.getContext("2d"), down = false, drawn = false;
    var pos = function (e) {
      var r = c.getBoundingClientRect();
      return [(e.clientX - r.left) * c.width / r.width, (e.clientY - r.top) * c.height / r.height];
    };
    var save = function () { var i = input(); if (i && drawn) i.value = c.toDataURL("image/png"); };
    c.addEventListener("pointerdown", function (e) { down = true; ctx.lineWidth = 2; ctx.beginPath(); ctx.moveTo.apply(ctx, pos(e)); });
    c.addEventListener("pointermove", function (e) { if (!down) return; ctx.lineTo.apply(ctx, pos(e)); ctx.stroke(); drawn = true; });
    window.addEventListener("pointerup", function () { if (down) save(); down = false; });
    form.addEventListener("submit", save);
    var clear = box.querySelector("[data-signature-clear]");
    if (clear) clear.addEventListener("click", function () {
      ctx.clearRect(0, 0, c.width, c.height); drawn = false; var i = input(); if (i) i.value = "";
    });
  }

  // <select data-filter-by="department"> whose options carry data-group: only the options of the value
  // chosen in the same form's field of that name are offered (dispatch: the department's own workers)
  function filterSelect(sel) {
    var form = sel.form, other = form && form.querySelector("[name='" + sel.dataset.filterBy + "']");
    if (!other) return;
    var wanted = other.value;
    sel.querySelectorAll("option[data-group]").forEach(function (o) {
      var hide = !!wanted && o.dataset.group !== wanted;
      o.hidden = hide; o.disabled = hide;
      if (hide && o.selected) sel.value = "";
    });
    sel.querySelectorAll("optgroup").forEach(function (g) {
      g.hidden = !g.querySelector("option:not([hidden])");
    });
  }
  document.addEventListener("change", function (e) {
    var form = e.target.form;
    if (!form || !e.target.name) return;
    form.querySelectorAll("select[data-filter-by='" + e.target.name + "']").forEach(filterSelect);
  });

  function init(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("canvas[data-signature-pad]").forEach(initPad);
    (root.querySelectorAll ? root : document).querySelectorAll("select[data-filter-by]").forEach(filterSelect);
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (e) { init(e.target.parentNode || document); });
})();
