// Score sheet keys: Enter and ↓ move down the examiner's own column to the next candidate, ↑ moves up; Enter on
// the last candidate saves the sheet. Tab / Shift+Tab need no script: only that column's cells are inputs.
(function () {
  var form = document.getElementById("score-sheet");
  if (!form) { return; }
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input.score-input"));
  inputs.forEach(function (input, i) {
    input.addEventListener("keydown", function (event) {
      if (event.isComposing || event.altKey || event.ctrlKey || event.metaKey) { return; }
      var step = 0;
      if (event.key === "ArrowDown" || (event.key === "Enter" && !event.shiftKey)) { step = 1; }
      else if (event.key === "ArrowUp" || (event.key === "Enter" && event.shiftKey)) { step = -1; }
      if (!step) { return; }
      var next = inputs[i + step];
      if (next) {
        event.preventDefault();
        next.focus();
        next.select();
      } else if (!(event.key === "Enter" && step === 1)) {
        event.preventDefault();
      }
      // Enter on the last candidate falls through to the form's own submit.
    });
  });
})();
