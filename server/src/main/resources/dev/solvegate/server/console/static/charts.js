// solvegate consoles: charts drawn with uPlot (served from its webjar). The operator's service page polls
// GET /admin/stats every 5 s with the session's CSRF token; the customer's page charts the days it was rendered with.
"use strict";
(function () {
  const plots = new Map();

  function width(el) {
    return Math.max(240, el.clientWidth - 4);
  }

  function draw(el, series, data, opts) {
    let plot = plots.get(el);
    if (plot) {
      plot.setData(data);
      return;
    }
    plot = new uPlot(
      Object.assign({ width: width(el), height: 200, series: series, legend: { live: false } }, opts || {}),
      data,
      el
    );
    plots.set(el, plot);
  }

  window.addEventListener("resize", () => {
    plots.forEach((plot, el) => plot.setSize({ width: width(el), height: 200 }));
  });

  // ---- the customer's spending per day ----
  const spending = document.querySelector('[data-chart="spending"]');
  if (spending) {
    const days = JSON.parse(spending.dataset.series);
    const xs = days.map((d) => Date.parse(d.date + "T00:00:00Z") / 1000);
    draw(
      spending,
      [{}, { label: "spent", stroke: "#0b5cad", fill: "rgba(11,92,173,0.25)", paths: uPlot.paths.bars({ size: [0.7, 40] }) }],
      [xs, days.map((d) => d.spent)],
      { scales: { x: { time: true } }, axes: [{}, { size: 70, values: (u, ticks) => ticks.map((v) => v.toFixed(6)) }] }
    );
  }

  // ---- the operator's live view ----
  const live = document.getElementById("live");
  if (!live) {
    return;
  }
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const samples = { t: [], queue: [], workers: [] };
  const chart = (name) => live.querySelector('[data-chart="' + name + '"]');
  const stat = (name) => live.querySelector('[data-stat="' + name + '"]');

  function row(cells) {
    const tr = document.createElement("tr");
    cells.forEach((c, i) => {
      const td = document.createElement("td");
      td.textContent = c;
      if (i !== 0 && i !== 3) {
        td.className = "num";
      }
      tr.appendChild(td);
    });
    return tr;
  }

  async function poll() {
    let s;
    try {
      const res = await fetch(live.dataset.stats, { credentials: "same-origin", headers: { "X-CSRF-Token": csrf } });
      if (!res.ok) {
        stat("queueDepth").textContent = "unavailable (HTTP " + res.status + ")";
        return;
      }
      s = await res.json();
    } catch (e) {
      stat("queueDepth").textContent = "unavailable";
      return;
    }
    const now = Date.parse(s.now) / 1000;
    samples.t.push(now);
    samples.queue.push(s.queueDepth);
    samples.workers.push(s.workersMax > 0 ? (100 * s.workersBusy) / s.workersMax : 0);
    if (samples.t.length > 360) {
      Object.values(samples).forEach((a) => a.shift());
    }
    const m = s.minutes;
    const last = m[m.length - 1];
    stat("queueDepth").textContent = String(s.queueDepth);
    stat("inFlight").textContent = String(s.inFlight);
    stat("workers").textContent = s.workersBusy + " of " + s.workersMax;
    stat("lastMinute").textContent = last.ready + " ready, " + last.failed + " failed";

    const xs = m.map((x) => Date.parse(x.start) / 1000);
    const nul = (v) => (v === undefined ? null : v);
    draw(
      chart("tasks"),
      [{}, { label: "ready", stroke: "#116329", width: 2 }, { label: "failed", stroke: "#a40e26", width: 2 }],
      [xs, m.map((x) => x.ready), m.map((x) => x.failed)]
    );
    draw(
      chart("times"),
      [
        {},
        { label: "p50", stroke: "#0b5cad", points: { show: true } },
        { label: "p90", stroke: "#7d4e00", points: { show: true } },
        { label: "p99", stroke: "#a40e26", points: { show: true } },
      ],
      [xs, m.map((x) => nul(x.p50Ms)), m.map((x) => nul(x.p90Ms)), m.map((x) => nul(x.p99Ms))]
    );
    // the sampled charts show the last 10 minutes, whatever number of samples there is yet
    const recent = { x: { time: true, range: () => [now - 600, now] } };
    draw(chart("queue"), [{}, { label: "queued", stroke: "#0b5cad", width: 2 }], [samples.t.slice(), samples.queue.slice()], {
      scales: recent,
    });
    draw(
      chart("workers"),
      [{}, { label: "busy %", stroke: "#7d4e00", width: 2 }],
      [samples.t.slice(), samples.workers.slice()],
      { scales: { x: recent.x, y: { range: [0, 100] } } }
    );

    const body = live.querySelector("[data-minutes]");
    body.replaceChildren(
      ...m
        .slice(-10)
        .reverse()
        .map((x) => {
          const errors = Object.entries(x.byOutcome)
            .filter(([k]) => k !== "ready")
            .map(([k, v]) => k + " " + v)
            .join(", ");
          return row([
            x.start.substring(11, 16),
            String(x.ready),
            String(x.failed),
            errors || "—",
            x.p50Ms === undefined ? "—" : String(x.p50Ms),
            x.p90Ms === undefined ? "—" : String(x.p90Ms),
            x.p99Ms === undefined ? "—" : String(x.p99Ms),
          ]);
        })
    );
    live.dataset.polled = String(samples.t.length);
  }

  poll();
  setInterval(poll, 5000);
})();
