// The review desk's one script: drop returns onto the inbox page and see the
// upload's progress; follow a step's progress without reloading the page (a
// reload restarts a screen reader). Without it the pages still work: a plain
// form, and a link to see how far a step has got.
"use strict";
(function () {
  var status = document.getElementById("job-status");
  if (!status || !status.hasAttribute("data-follow") || !window.fetch || !window.DOMParser) { return; }
  var after = document.getElementById("job-after");
  function follow() {
    window.fetch(window.location.href, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      return response.text();
    }).then(function (html) {
      var page = new DOMParser().parseFromString(html, "text/html");
      var now = page.getElementById("job-status");
      if (!now) { return; }
      if (now.innerHTML !== status.innerHTML) { status.innerHTML = now.innerHTML; }
      if (now.hasAttribute("data-follow")) { window.setTimeout(follow, 1000); return; }
      status.removeAttribute("data-follow");
      var rest = page.getElementById("job-after");
      if (rest && after) { after.innerHTML = rest.innerHTML; }
    }).catch(function () { window.setTimeout(follow, 3000); });
  }
  window.setTimeout(follow, 1000);
}());
(function () {
  var form = document.getElementById("upload");
  if (!form || !window.XMLHttpRequest || !window.FormData) { return; }
  var drop = document.getElementById("drop");
  var input = document.getElementById("returns");
  var bar = document.getElementById("upload-progress");
  var status = document.getElementById("upload-status");

  function send(files) {
    var data = new FormData();
    data.append("csrf", form.elements.csrf.value);
    for (var i = 0; i < files.length; i++) { data.append("returns", files[i], files[i].name); }
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    bar.hidden = false;
    bar.value = 0;
    status.textContent = "Sending " + files.length + " file" + (files.length === 1 ? "" : "s") + "…";
    request.upload.onprogress = function (event) {
      if (event.lengthComputable) { bar.value = Math.round(100 * event.loaded / event.total); }
    };
    request.upload.onload = function () { status.textContent = "Reading what arrived…"; };
    request.onload = function () {
      if (request.status === 200 && request.responseURL) { window.location.assign(request.responseURL); return; }
      status.textContent = "The upload was refused (" + request.status + "). " + (request.responseText.match(/<p>([^<]*)<\/p>/) || ["", ""])[1];
    };
    request.onerror = function () { status.textContent = "The upload failed: is the desk still running?"; };
    request.send(data);
  }

  form.addEventListener("submit", function (event) {
    if (!input.files.length) { return; }
    event.preventDefault();
    send(input.files);
  });
  ["dragenter", "dragover"].forEach(function (name) {
    drop.addEventListener(name, function (event) { event.preventDefault(); drop.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    drop.addEventListener(name, function () { drop.classList.remove("over"); });
  });
  drop.addEventListener("drop", function (event) {
    event.preventDefault();
    if (event.dataTransfer && event.dataTransfer.files.length) { send(event.dataTransfer.files); }
  });
}());
