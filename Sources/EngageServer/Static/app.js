// Progressive enhancement only: every page works without this file.
// The import form: the button is disabled while the upload runs, and the upload's progress
// is shown; once uploaded, the import's own progress (file, rows, share read) is asked for
// every second under an id chosen here; the answer replaces the page as a plain form post would.
(function () {
  "use strict";
  var form = document.querySelector("form.import");
  if (form && window.XMLHttpRequest && window.FormData) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var button = form.querySelector("button[type=submit]");
      var bar = form.querySelector("progress");
      var busy = form.querySelector(".busy");
      button.disabled = true;
      busy.textContent = form.getAttribute("data-busy");
      var data = new FormData(form);
      var id = "";
      if (window.crypto && window.crypto.getRandomValues) {
        var bytes = new Uint8Array(16);
        window.crypto.getRandomValues(bytes);
        bytes.forEach(function (x) { id += ("0" + x.toString(16)).slice(-2); });
        data.append("progress", id);
      }
      var timer = null;
      var number = function (n) { return n.toLocaleString(document.documentElement.lang || undefined); };
      var poll = function () {
        var q = new XMLHttpRequest();
        q.open("GET", "/import/progress/" + id);
        q.onload = function () {
          if (q.status !== 200) { return; }
          var p = JSON.parse(q.responseText);
          if (p.phase === "finishing") {
            busy.textContent = form.getAttribute("data-finishing");
            bar.removeAttribute("value");
          } else if (p.file) {
            var pct = p.bytes_total > 0 ? Math.round(100 * p.bytes_read / p.bytes_total) : 0;
            busy.textContent = form.getAttribute("data-reading").replace("{file}", p.file).replace("{n}", p.file_index + 1)
              .replace("{total}", p.files_total).replace("{rows}", number(p.rows)).replace("{pct}", pct);
            bar.value = pct;
          }
        };
        q.send();
      };
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) { bar.hidden = false; bar.value = Math.round(100 * e.loaded / e.total); }
      };
      xhr.upload.onload = function () {
        if (id && !timer) { bar.hidden = false; timer = window.setInterval(poll, 1000); }
      };
      xhr.onloadend = function () { if (timer) { window.clearInterval(timer); timer = null; } };
      xhr.onload = function () {
        if (xhr.status >= 200 && xhr.status < 300 && xhr.responseURL && xhr.responseURL.indexOf("/import?entry=") >= 0) {
          window.location.assign(xhr.responseURL);
        } else {
          document.open(); document.write(xhr.responseText); document.close();
        }
      };
      xhr.onerror = function () { button.disabled = false; busy.textContent = ""; bar.hidden = true; };
      xhr.send(data);
    });
  }
  // the print button of report pages (printing works from the browser's menu without it)
  document.querySelectorAll("button.print-button").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { window.print(); });
  });
  // copy buttons: <button class="copy-button" data-copy="text">
  document.querySelectorAll("button.copy-button").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () {
      if (navigator.clipboard) { navigator.clipboard.writeText(b.getAttribute("data-copy")).then(function () { b.classList.add("copied"); }); }
    });
  });
})();
