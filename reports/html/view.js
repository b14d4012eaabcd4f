/* global Chart */
// Draws report.html's charts from the data embedded in the page; runs in the browser, no network.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('clove-data').textContent);
  var groups = data.groups;
  var labels = groups.map(function (g) { return g.scenario + ' · ' + g.agentId; });
  var palette = ['#2563eb', '#16a34a', '#dc2626', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777'];
  Chart.defaults.animation = false;
  // Each chart fills its box, which is sized to the number of rows.
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = 'system-ui, sans-serif';

  function chart(id, config) {
    var canvas = document.getElementById(id);
    if (!canvas) return;
    window.cloveCharts.push(new Chart(canvas, config));
  }
  window.cloveCharts = [];

  // Success rate with its Wilson 95% interval: bars for the rate, thin floating bars for the interval.
  chart('chart-success', {
    type: 'bar',
    data: {
      labels: labels,
      datasets: [
        { label: 'success rate', data: groups.map(function (g) { return g.successRate * 100; }), backgroundColor: '#93c5fd', order: 2 },
        { label: 'Wilson 95% interval', data: groups.map(function (g) { return [g.successInterval.low * 100, g.successInterval.high * 100]; }), backgroundColor: '#1e3a8a', barPercentage: 0.08, grouped: false, order: 1 }
      ]
    },
    options: { indexAxis: 'y', scales: { x: { min: 0, max: 100, title: { display: true, text: '% of episodes' } }, y: { ticks: { autoSkip: false } } } }
  });

  // Reward: mean with its bootstrap interval.
  chart('chart-reward', {
    type: 'bar',
    data: {
      labels: labels,
      datasets: [
        { label: 'reward mean', data: groups.map(function (g) { return g.rewardMean; }), backgroundColor: '#86efac', order: 2 },
        { label: 'bootstrap 95% interval', data: groups.map(function (g) { return [g.rewardInterval.low, g.rewardInterval.high]; }), backgroundColor: '#14532d', barPercentage: 0.08, grouped: false, order: 1 }
      ]
    },
    options: { indexAxis: 'y', scales: { x: { title: { display: true, text: 'reward' } }, y: { ticks: { autoSkip: false } } } }
  });

  // Distributions: every episode as a point on its group's row (a strip plot), coloured by outcome.
  var outcomeColour = { succeeded: '#16a34a', failed: '#dc2626', truncated: '#ca8a04', errored: '#7c3aed' };
  function strip(id, field, title) {
    var byOutcome = {};
    data.episodes.forEach(function (e) {
      var value = e[field];
      if (value === null || value === undefined) return;
      var row = data.groupIndex[e.scenario + '\u0000' + e.agentId];
      // A fixed offset per seed and repeat spreads the points of one row without randomness.
      var offset = (((e.seed * 7 + e.repeat * 3) % 11) - 5) * 0.04;
      (byOutcome[e.outcome] = byOutcome[e.outcome] || []).push({ x: value, y: row + offset });
    });
    if (Object.keys(byOutcome).length === 0) {
      // Nothing measured (e.g. peak memory of in-process agents): say so instead of empty axes.
      var box = document.getElementById(id);
      if (box) box.parentNode.innerHTML = '<p class="note">Not measured for these episodes (in-process agents have no process of their own).</p>';
      return;
    }
    chart(id, {
      type: 'scatter',
      data: {
        datasets: Object.keys(byOutcome).map(function (o) {
          return { label: o, data: byOutcome[o], backgroundColor: outcomeColour[o] || '#64748b', pointRadius: 3 };
        })
      },
      options: {
        scales: {
          x: { title: { display: true, text: title } },
          y: {
            min: -0.5,
            max: labels.length - 0.5,
            reverse: true,
            // One tick per scenario x agent row, labelled with its name.
            afterBuildTicks: function (axis) { axis.ticks = labels.map(function (_, i) { return { value: i }; }); },
            ticks: { autoSkip: false, callback: function (v) { return labels[v] !== undefined ? labels[v] : ''; } }
          }
        }
      }
    });
  }
  strip('chart-wall', 'wallMs', 'wall time (ms)');
  strip('chart-cpu', 'cpuMs', 'CPU user + system (ms)');
  strip('chart-memory', 'peakMemoryMiB', 'peak memory (MiB)');
  strip('chart-steps', 'steps', 'steps');

  if (data.benchmarks.length > 0) {
    chart('chart-benchmarks', {
      type: 'bar',
      data: {
        labels: data.benchmarks.map(function (b) { return b.group + ' · ' + b.name; }),
        datasets: [
          { label: 'p50 (ms)', data: data.benchmarks.map(function (b) { return b.p50Ms; }), backgroundColor: palette[0] },
          { label: 'p99 (ms)', data: data.benchmarks.map(function (b) { return b.p99Ms; }), backgroundColor: palette[2] }
        ]
      },
      options: { indexAxis: 'y', scales: { x: { type: 'logarithmic', title: { display: true, text: 'latency (ms, log)' } }, y: { ticks: { autoSkip: false } } } }
    });
  }
  document.body.setAttribute('data-charts-ready', String(window.cloveCharts.length));
})();
