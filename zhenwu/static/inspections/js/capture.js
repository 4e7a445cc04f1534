/* 暗访现场登记 — works with no signal. Each finding (fields + shrunk photos as Blobs) is first
 * put in IndexedDB with its own idempotency key (client_key); a sender posts the queue one by
 * one when the browser is online and deletes an entry only when the server has answered 2xx
 * (created, or "already stored" for a re-sent key) — so nothing is lost and nothing is stored
 * twice. A 4xx answer (bad input) is kept and shown, never dropped silently. Plain ES2017. */
(function () {
  "use strict";
  var DB = "zhenwu-inspections", STORE = "queue", MAX_EDGE = 1600, QUALITY = 0.82;
  var form = document.getElementById("capture-form");
  if (!form) return;
  var countEl = document.getElementById("pending-count");
  var netEl = document.getElementById("net-state");
  var noteEl = document.getElementById("sync-note");
  var errEl = document.getElementById("cap-error");
  var sending = false;
  // (not form.elements.item: that is the collection's item() method)
  function el(name) { return form.querySelector('[name="' + name + '"]'); }

  function openDb() {
    return new Promise(function (ok, fail) {
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "client_key" }); };
      req.onsuccess = function () { ok(req.result); };
      req.onerror = function () { fail(req.error); };
    });
  }
  function tx(mode, fn) {
    return openDb().then(function (db) {
      return new Promise(function (ok, fail) {
        var t = db.transaction(STORE, mode), store = t.objectStore(STORE), result;
        Promise.resolve(fn(store)).then(function (r) { result = r; });
        t.oncomplete = function () { ok(result); };
        t.onerror = function () { fail(t.error); };
      });
    });
  }
  function all() {
    return tx("readonly", function (s) {
      return new Promise(function (ok) { var r = s.getAll(); r.onsuccess = function () { ok(r.result || []); }; });
    });
  }
  function put(entry) { return tx("readwrite", function (s) { s.put(entry); }); }
  function remove(key) { return tx("readwrite", function (s) { s.delete(key); }); }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "k" + Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  async function shrink(file) {
    if (!/^image\/(jpeg|png|webp)$/.test(file.type) || !window.createImageBitmap) return file;
    try {
      var img = await createImageBitmap(file);
      var scale = Math.min(1, MAX_EDGE / Math.max(img.width, img.height));
      if (scale === 1 && file.size < 300 * 1024) return file;
      var c = document.createElement("canvas");
      c.width = Math.round(img.width * scale); c.height = Math.round(img.height * scale);
      var ctx = c.getContext("2d"); ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, c.width, c.height);
      ctx.drawImage(img, 0, 0, c.width, c.height);
      var blob = await new Promise(function (ok) { c.toBlob(ok, "image/jpeg", QUALITY); });
      return blob ? new File([blob], file.name.replace(/\.[^.]*$/, "") + ".jpg", { type: "image/jpeg", lastModified: file.lastModified }) : file;
    } catch (e) { return file; }
  }

  // The position if the phone gives it within 3 s (a pending permission prompt or no GPS fix
  // never holds the finding back: it is recorded without coordinates).
  function position() {
    return new Promise(function (ok) {
      if (!navigator.geolocation) return ok(null);
      var timer = setTimeout(function () { ok(null); }, 3000);
      try {
        navigator.geolocation.getCurrentPosition(
          function (p) { clearTimeout(timer); ok(p.coords); },
          function () { clearTimeout(timer); ok(null); },
          { timeout: 3000, maximumAge: 60000, enableHighAccuracy: true }
        );
      } catch (e) { clearTimeout(timer); ok(null); }
    });
  }

  async function refresh() {
    var items = await all();
    countEl.textContent = String(items.length);
    var failed = items.filter(function (i) { return i.error; });
    noteEl.textContent = failed.length ? "有 " + failed.length + " 条被退回，请核对：" + failed.map(function (i) { return i.error; }).join("；") : "";
    netEl.textContent = navigator.onLine ? "在线" : "离线（问题先保存在本机）";
    netEl.className = navigator.onLine ? "text-success" : "text-danger fw-bold";
  }

  function csrf() {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  async function sendOne(entry) {
    var fd = new FormData();
    Object.keys(entry.fields).forEach(function (k) { fd.append(k, entry.fields[k]); });
    fd.append("client_key", entry.client_key);
    (entry.photos || []).forEach(function (p) { fd.append("photos", p.blob, p.name); });
    var resp = await fetch(form.dataset.submitUrl, {
      method: "POST", body: fd, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf(), "X-Requested-With": "XMLHttpRequest" },
    });
    var body = {};
    try { body = await resp.json(); } catch (e) { /* not JSON */ }
    return { status: resp.status, body: body };
  }

  async function flush() {
    if (sending || !navigator.onLine) return refresh();
    sending = true;
    try {
      var items = await all();
      items.sort(function (a, b) { return a.created - b.created; });
      for (var i = 0; i < items.length; i++) {
        var entry = items[i];
        if (entry.error) continue;
        var r;
        try { r = await sendOne(entry); } catch (e) { break; } // network gone: try again later
        if (r.status >= 200 && r.status < 300) {
          await remove(entry.client_key);
          addSent(entry, r.body);
        } else if (r.status >= 400 && r.status < 500 && r.status !== 403 && r.status !== 408 && r.status !== 429) {
          var errs = r.body && r.body.errors ? Object.values(r.body.errors).join("；") : "服务器拒收（" + r.status + "）";
          entry.error = errs;
          await put(entry);
        } else {
          break; // server trouble or session expired: keep it, retry later
        }
      }
    } finally {
      sending = false;
      await refresh();
    }
  }

  function addSent(entry, body) {
    var list = document.getElementById("sent-list");
    if (!list) return;
    var li = document.createElement("li");
    li.className = "list-group-item small";
    li.setAttribute("data-testid", "sent-item");
    var a = document.createElement("a");
    a.href = body.url || "#";
    a.textContent = entry.label + (body.created === false ? "（已存在，未重复保存）" : "（已发送）");
    li.appendChild(a);
    if (body.flags && body.flags.length) {
      var b = document.createElement("span");
      b.className = "badge text-bg-warning ms-1"; b.textContent = body.flags.join("；");
      li.appendChild(b);
    }
    list.insertBefore(li, list.firstChild);
  }

  form.addEventListener("submit", async function (ev) {
    ev.preventDefault();
    errEl.textContent = "";
    var item = el("item").selectedOptions[0];
    var files = Array.prototype.slice.call(el("photos").files || []);
    var count = parseInt(el("count").value, 10);
    if (!count || count < 1) { errEl.textContent = "处数至少为1。"; return; }
    if (item && count > parseInt(item.dataset.max, 10)) { errEl.textContent = "处数超过该项扣分上限（最多" + item.dataset.max + "处）。"; return; }
    if (item && item.dataset.photo === "1" && !files.length) { errEl.textContent = "该问题类型必须上传现场照片。"; return; }
    var coords = await position();
    var photos = [];
    for (var i = 0; i < files.length; i++) {
      var f = await shrink(files[i]);
      photos.push({ name: f.name, blob: f, taken: files[i].lastModified });
    }
    var now = new Date();
    var entry = {
      client_key: uuid(),
      created: now.getTime(),
      label: el("village").selectedOptions[0].textContent.replace(/（.*/, "") + " · " + (item ? item.textContent : ""),
      fields: {
        round: form.dataset.round,
        village: el("village").value,
        spot: el("spot").value,
        item: el("item").value,
        count: String(count),
        note: el("note").value,
        found_at: now.toISOString(),
        photo_taken_at: photos.length ? new Date(photos[0].taken).toISOString() : "",
        lat: coords ? String(coords.latitude) : "",
        lng: coords ? String(coords.longitude) : "",
      },
      photos: photos,
    };
    await put(entry);
    el("note").value = ""; el("photos").value = ""; el("count").value = "1";
    await refresh();
    flush();
  });

  // Only the chosen village's spots are offered.
  function filterSpots() {
    var v = el("village").value, spot = el("spot");
    Array.prototype.forEach.call(spot.options, function (o) {
      o.hidden = !!o.value && o.dataset.village !== v;
    });
    if (spot.selectedOptions[0] && spot.selectedOptions[0].hidden) spot.value = "";
  }
  el("village").addEventListener("change", filterSpots);
  filterSpots();

  window.addEventListener("online", flush);
  window.addEventListener("offline", refresh);
  setInterval(flush, 15000);
  refresh().then(flush);
})();
