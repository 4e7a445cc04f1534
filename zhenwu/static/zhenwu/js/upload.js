/* Zhenwu upload helpers — progressive enhancement, no libraries, ES2017.
 * 1. <input type="file" data-shrink-images="1600">: large photos are shrunk to JPEG in the browser.
 * 2. <form data-upload-progress>: submitted by XHR with a progress bar ([data-progress]);
 *    errors go to [data-upload-error]. Forms with hx-* attributes are left to htmx.
 * Without JavaScript (or without canvas/DataTransfer) everything still works as plain HTML. */
(function () {
  "use strict";

  var SHRINK_TYPES = ["image/jpeg", "image/png", "image/webp"];
  var SHRINK_BYTES = 300 * 1024;
  var QUALITY = 0.82;
  var ERROR_TEXT = "上传失败，请检查网络后重试";

  // Decode an image file, honouring its EXIF orientation where the browser can.
  async function decode(file) {
    if (window.createImageBitmap) {
      try { return await createImageBitmap(file, { imageOrientation: "from-image" }); } catch (e) { /* fall back */ }
    }
    // <img> decoding: modern browsers apply EXIF orientation here too (image-orientation: from-image).
    var url = URL.createObjectURL(file);
    try {
      var img = new Image();
      img.src = url;
      await (img.decode ? img.decode() : new Promise(function (ok, fail) { img.onload = ok; img.onerror = fail; }));
      return img;
    } finally {
      URL.revokeObjectURL(url);
    }
  }

  // Return a smaller JPEG File, or the original file when shrinking is not needed or not possible.
  async function shrink(file, maxEdge) {
    if (SHRINK_TYPES.indexOf(file.type) < 0) return file;
    var src;
    try { src = await decode(file); } catch (e) { return file; }
    var w = src.width || src.naturalWidth, h = src.height || src.naturalHeight;
    if (!w || !h || (file.size <= SHRINK_BYTES && Math.max(w, h) <= maxEdge)) return file;
    var scale = Math.min(1, maxEdge / Math.max(w, h));
    var canvas = document.createElement("canvas");
    canvas.width = Math.round(w * scale);
    canvas.height = Math.round(h * scale);
    var ctx = canvas.getContext("2d");
    ctx.fillStyle = "#fff"; // JPEG has no alpha: put transparent PNG/WebP areas on white
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(src, 0, 0, canvas.width, canvas.height);
    if (src.close) src.close();
    var blob = await new Promise(function (ok) { canvas.toBlob(ok, "image/jpeg", QUALITY); });
    if (!blob || (scale === 1 && blob.size >= file.size)) return file; // no gain: keep the original
    var name = file.name.replace(/\.[^.\/\\]*$/, "") + ".jpg";
    return new File([blob], name, { type: "image/jpeg", lastModified: file.lastModified });
  }

  async function onFilesChosen(input) {
    var maxEdge = parseInt(input.getAttribute("data-shrink-images"), 10) || 1600;
    if (!input.files || !input.files.length || typeof DataTransfer === "undefined") return;
    var form = input.form;
    input.dataset.shrinking = "1"; // the submit handler waits while this is set
    if (form) form.setAttribute("aria-busy", "true");
    try {
      var originals = Array.prototype.slice.call(input.files), results = [];
      // One at a time: decoding several 12-megapixel photos at once can exhaust a phone's memory.
      for (var i = 0; i < originals.length; i++) results.push(await shrink(originals[i], maxEdge));
      if (results.some(function (f, j) { return f !== originals[j]; })) {
        var dt = new DataTransfer();
        results.forEach(function (f) { dt.items.add(f); });
        input.files = dt.files;
      }
    } catch (e) {
      /* keep the original files */
    } finally {
      delete input.dataset.shrinking;
      if (form) form.removeAttribute("aria-busy");
    }
  }

  document.addEventListener("change", function (ev) {
    var t = ev.target;
    if (t && t.matches && t.matches('input[type="file"][data-shrink-images]')) onFilesChosen(t);
  });

  function hasHtmx(form) {
    return Array.prototype.some.call(form.attributes, function (a) { return /^(data-)?hx-/.test(a.name); });
  }

  function setProgress(form, pct) {
    form.querySelectorAll("[data-progress]").forEach(function (el) {
      if (el.tagName === "PROGRESS") { el.max = 100; el.value = pct; }
      else { el.style.width = pct + "%"; el.setAttribute("aria-valuenow", String(pct)); el.textContent = pct + "%"; }
      el.hidden = false;
    });
  }

  function showError(form, text) {
    var box = form.querySelector("[data-upload-error]") || document.querySelector("[data-upload-error]");
    if (box) { box.textContent = text; box.hidden = false; } else { window.alert(text); }
  }

  function waitForShrinking(form) {
    return new Promise(function (ok) {
      (function check() { form.querySelector("[data-shrinking]") ? setTimeout(check, 100) : ok(); })();
    });
  }

  document.addEventListener("submit", async function (ev) {
    var form = ev.target;
    if (!(form instanceof HTMLFormElement) || ev.defaultPrevented) return; // htmx (incl. hx-boost) prevents first
    var xhrForm = form.hasAttribute("data-upload-progress") && !hasHtmx(form) && form.method === "post";
    if (!xhrForm) {
      // Plain form submitted while photos are still being shrunk: wait, then submit again.
      if (form.querySelector("[data-shrinking]") && form.requestSubmit) {
        ev.preventDefault();
        await waitForShrinking(form);
        form.requestSubmit(ev.submitter && ev.submitter.form === form ? ev.submitter : undefined);
      }
      return;
    }
    ev.preventDefault();
    if (form.dataset.uploading) return; // ignore double clicks
    form.dataset.uploading = "1";
    form.querySelectorAll("[data-upload-error]").forEach(function (el) { el.hidden = true; });
    await waitForShrinking(form);
    // FormData includes the csrfmiddlewaretoken hidden field and the clicked submit button.
    var data = new FormData(form);
    if (ev.submitter && ev.submitter.name) data.append(ev.submitter.name, ev.submitter.value);
    var csrf = form.querySelector('input[name="csrfmiddlewaretoken"]'), xhr = new XMLHttpRequest();
    var action = (ev.submitter && ev.submitter.getAttribute("formaction")) || form.getAttribute("action");
    xhr.open("POST", action || window.location.href);
    if (csrf) xhr.setRequestHeader("X-CSRFToken", csrf.value);
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) setProgress(form, Math.round((e.loaded / e.total) * 100));
    });
    setProgress(form, 0);
    xhr.onload = function () {
      delete form.dataset.uploading;
      var type = xhr.getResponseHeader("Content-Type") || "";
      if (type.indexOf("text/html") === 0) {
        // Show the page the server answered with (success page or form with errors), keeping its URL.
        if (xhr.responseURL && xhr.responseURL !== location.href) history.replaceState(null, "", xhr.responseURL);
        document.open();
        document.write(xhr.responseText);
        document.close();
      } else if (xhr.status >= 200 && xhr.status < 300) {
        window.location.reload(); // non-HTML success (e.g. JSON): show the fresh state of this page
      } else {
        showError(form, ERROR_TEXT + "（" + xhr.status + "）");
      }
    };
    xhr.onerror = xhr.ontimeout = xhr.onabort = function () {
      delete form.dataset.uploading;
      showError(form, ERROR_TEXT);
    };
    xhr.send(data);
  });
})();
