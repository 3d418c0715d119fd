// Attendance on the leader's phone, also without a connection.
//
// Without JavaScript the list is an ordinary form ("Spara närvaron"). With it, every tap is a
// mark kept in the browser (localStorage) and sent at once when there is a connection, or when
// it returns; until the server has it the row says "inte skickad än". The server answers per
// mark: saved, older than another device's mark (the later mark wins), or refused (e.g. the
// session is frozen by an approved compensation) – and the row shows what the server holds.
(function () {
  "use strict";

  const QUEUE = "stegvis-narvaro-ko";
  const DEVICE = "stegvis-narvaro-enhet";
  const root = document.querySelector("[data-offline-attendance]");
  if (!root) return;

  // --- The queue of marks not yet sent --------------------------------------------------------

  function load() {
    try {
      const queue = JSON.parse(localStorage.getItem(QUEUE) || "[]");
      return Array.isArray(queue) ? queue : [];
    } catch (error) {
      return [];
    }
  }

  function store(queue) {
    localStorage.setItem(QUEUE, JSON.stringify(queue));
  }

  function device() {
    let id = localStorage.getItem(DEVICE);
    if (!id) {
      id = "tel-" + Math.random().toString(36).slice(2, 10);
      localStorage.setItem(DEVICE, id);
    }
    return id;
  }

  // Only the newest mark per person and session is kept on this device.
  function enqueue(mark) {
    const queue = load().filter((m) => !(m.url === mark.url && m.place === mark.place));
    queue.push(mark);
    store(queue);
  }

  // --- The attendance list --------------------------------------------------------------------

  const form = root.querySelector("form[data-sync]");
  const status = root.querySelector("[data-sync-status]");
  const syncUrl = form ? form.dataset.sync : null;
  const token = form ? (form.querySelector("[name=csrfmiddlewaretoken]") || {}).value : null;

  function row(place) {
    return form ? form.querySelector(`[data-place="${place}"]`) : null;
  }

  // ``present`` is true or false, or null when the server holds no mark for the person.
  function paint(place, present, note, pending, refused) {
    const li = row(place);
    if (!li) return;
    const box = li.querySelector("input[type=checkbox]");
    const state = li.querySelector(".attendance-state");
    box.checked = Boolean(present);
    li.classList.toggle("is-present", Boolean(present));
    li.classList.toggle("is-pending", Boolean(pending));
    li.classList.toggle("is-refused", Boolean(refused));
    let text = present === null ? "Ej registrerad" : present ? "Närvarande" : "Frånvarande";
    if (pending) text += " – inte skickad än";
    if (note) text += ` – ${note}`;
    state.textContent = text;
  }

  function show(message) {
    if (!status) return;
    const mine = load().filter((m) => m.url === syncUrl).length;
    const parts = [];
    if (!navigator.onLine) parts.push("Ingen uppkoppling: markeringarna sparas i telefonen.");
    if (mine === 1) parts.push("1 markering inte skickad än.");
    else if (mine) parts.push(`${mine} markeringar inte skickade än.`);
    else if (!message) parts.push("Allt är skickat.");
    if (message) parts.push(message);
    status.textContent = parts.join(" ");
    status.classList.toggle("is-pending", mine > 0);
    status.classList.toggle("is-refused", Boolean(message));
  }

  function mark(place, present) {
    enqueue({
      url: syncUrl,
      place: place,
      present: present,
      at: new Date().toISOString(),
      device: device(),
    });
    paint(place, present, "", true);
    show();
    flush();
  }

  // --- Sending --------------------------------------------------------------------------------

  let sending = false;

  let again = false;

  async function flush() {
    if (sending) {
      again = true; // a tap while sending: send it right after
      return;
    }
    if (!navigator.onLine) return;
    const queue = load();
    if (!queue.length) return;
    sending = true;
    again = false;
    let reached = false;
    const urls = [...new Set(queue.map((m) => m.url))];
    let refused = "";
    try {
      for (const url of urls) {
        const marks = queue.filter((m) => m.url === url);
        const response = await fetch(url, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": token || "" },
          body: JSON.stringify({
            marks: marks.map((m) => ({
              place: m.place,
              present: m.present,
              at: m.at,
              device: m.device,
            })),
          }),
        });
        if (!response.ok) {
          refused = `Servern tog inte emot markeringarna (${response.status}).`;
          if (response.status >= 500 || response.status === 403) continue;
          // Refused as a whole (e.g. the list is no longer this leader's): not sent again.
          store(load().filter((m) => !marks.some((s) => s.url === m.url && s.at === m.at)));
          continue;
        }
        reached = true;
        const answer = await response.json();
        // Drop what was sent; a newer tap made meanwhile stays queued.
        const sent = (m) => marks.some((s) => s.url === m.url && s.at === m.at && s.place === m.place);
        store(load().filter((m) => !sent(m)));
        if (url !== syncUrl) continue;
        for (const result of answer.results) {
          const stillQueued = load().some((m) => m.url === url && m.place === result.place);
          if (stillQueued) continue;
          if (result.outcome === "refused") {
            refused = result.message;
            paint(result.place, result.present, "avvisad av servern", false, true);
          } else if (result.outcome === "older") {
            paint(result.place, result.present, result.message, false);
          } else {
            paint(result.place, result.present, "", false);
          }
        }
      }
    } catch (error) {
      // No connection after all: everything stays queued until it returns.
    } finally {
      sending = false;
      show(refused);
    }
    if (again && reached) flush();
  }

  // --- Start ----------------------------------------------------------------------------------

  if (form && syncUrl) {
    form.addEventListener("change", (event) => {
      const box = event.target;
      if (!box.matches("input[type=checkbox][name=present]")) return;
      mark(Number(box.value), box.checked);
    });
    // The whole list at once (the button): with a connection the form is sent as it is and
    // replaces this list's queued marks; without one every row becomes a queued mark.
    form.addEventListener("submit", (event) => {
      if (navigator.onLine) {
        store(load().filter((m) => m.url !== syncUrl));
        return;
      }
      event.preventDefault();
      for (const box of form.querySelectorAll("input[type=checkbox][name=present]")) {
        mark(Number(box.value), box.checked);
      }
    });
    // Marks still queued (e.g. after a reload without a connection) are shown as such.
    for (const m of load()) {
      if (m.url === syncUrl) paint(m.place, m.present, "", true);
    }
    show();
  }

  window.addEventListener("online", () => {
    show();
    flush();
  });
  window.addEventListener("offline", () => show());

  // Keep this page, its styles and scripts, and the day's lists for use without a connection.
  if ("serviceWorker" in navigator && root.dataset.sw) {
    navigator.serviceWorker
      .register(root.dataset.sw, { scope: root.dataset.scope })
      .then(() => navigator.serviceWorker.ready)
      .then((registration) => {
        const urls = [location.pathname];
        for (const el of document.querySelectorAll("link[rel=stylesheet], link[rel=manifest]")) {
          urls.push(el.getAttribute("href"));
        }
        for (const el of document.querySelectorAll("script[src]")) urls.push(el.getAttribute("src"));
        for (const el of document.querySelectorAll("a[data-prefetch]")) urls.push(el.getAttribute("href"));
        registration.active.postMessage({ type: "cache", urls: urls });
        document.documentElement.dataset.offlineReady = "1";
      })
      .catch(() => undefined);
  }

  flush();
})();
