// Progressive enhancement only: every page works without this file.
// The import form: the button is disabled while the upload runs, and the upload's progress
// is shown; the answer replaces the page as a plain form post would.
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
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) { bar.hidden = false; bar.value = Math.round(100 * e.loaded / e.total); }
      };
      xhr.onload = function () {
        if (xhr.status >= 200 && xhr.status < 300 && xhr.responseURL && xhr.responseURL.indexOf("/import?entry=") >= 0) {
          window.location.assign(xhr.responseURL);
        } else {
          document.open(); document.write(xhr.responseText); document.close();
        }
      };
      xhr.onerror = function () { button.disabled = false; busy.textContent = ""; bar.hidden = true; };
      xhr.send(new FormData(form));
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
