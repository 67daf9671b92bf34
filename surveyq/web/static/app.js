// surveyq serve: progressive enhancement only; every page works without this file.
"use strict";
(function () {
  function upload() {
    var form = document.getElementById("upload");
    if (!form) return;
    var input = document.getElementById("files");
    var drop = form.querySelector(".drop");
    var chosen = document.getElementById("chosen");
    var error = document.getElementById("upload-error");
    var max = parseInt(form.dataset.maxBytes, 10);
    function show() {
      var names = [], total = 0;
      for (var i = 0; i < input.files.length; i++) { names.push(input.files[i].name); total += input.files[i].size; }
      chosen.textContent = names.length ? chosen.dataset.label + " " + names.join(", ") : "";
      var tooBig = total > max;
      error.hidden = !tooBig;
      error.textContent = tooBig ? form.dataset.tooBig : "";
      return !tooBig;
    }
    input.addEventListener("change", show);
    ["dragenter", "dragover"].forEach(function (name) {
      drop.addEventListener(name, function (event) { event.preventDefault(); drop.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      drop.addEventListener(name, function () { drop.classList.remove("over"); });
    });
    drop.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) { input.files = event.dataTransfer.files; show(); }
    });
    form.addEventListener("submit", function (event) {
      if (!show()) { event.preventDefault(); return; }
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      button.textContent = button.dataset.working;
    });
  }

  function progress() {
    var box = document.getElementById("progress");
    if (!box || ["queued", "running"].indexOf(box.dataset.state) < 0) return;
    var text = document.getElementById("state-text");
    var step = document.getElementById("step");
    var rows = document.getElementById("rows");
    function poll() {
      fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, cache: "no-store" })
        .then(function (response) { return response.json(); })
        .then(function (status) {
          if (status.state === "done" || status.state === "failed") { window.location.reload(); return; }
          text.textContent = text.dataset[status.state] || text.textContent;
          step.textContent = status.step || "";
          rows.textContent = status.rows_read ? box.dataset.rowsLabel.replace("{rows}", status.rows_read.toLocaleString()) : "";
          window.setTimeout(poll, 1000);
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    }
    window.setTimeout(poll, 700);
  }

  function roles() {
    // Scale, reverse keying and element apply to rating items only: show them for those rows.
    document.querySelectorAll("table.columns select.role").forEach(function (select) {
      select.addEventListener("change", function () {
        var row = select.closest("tr");
        row.className = row.className.replace(/\brole-\w+/, "role-" + select.value);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { upload(); progress(); roles(); });
})();
