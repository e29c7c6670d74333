// Polls a batch job's status and updates the progress bar on its page (no inline script: CSP).
(function () {
  var box = document.getElementById("job-progress");
  if (!box) { return; }
  var bar = document.getElementById("job-bar");
  var label = document.getElementById("job-label");
  var state = document.getElementById("job-state");
  var done = document.getElementById("job-done");
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        bar.max = Math.max(job.total, 1);
        bar.value = job.done;
        label.textContent = job.done + " / " + job.total;
        state.textContent = box.dataset["status_" + job.status] || job.status;
        if (job.status === "done" && job.total === 0 && !document.getElementById("job-empty")) {
          window.location.reload();  // the page, rendered again, says why there is nothing to download
          return;
        }
        if (job.status === "done" || job.status === "failed") {
          done.classList.remove("d-none");
          if (job.error) { done.textContent = job.error; done.classList.add("text-danger"); }
          return;
        }
        setTimeout(poll, 800);
      })
      .catch(function () { setTimeout(poll, 2000); });
  }
  poll();
})();
