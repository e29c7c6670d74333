// Score sheet keys: Enter and ↓ move down the examiner's own column to the next candidate, ↑ moves up; Enter on
// the last candidate saves the sheet. Tab / Shift+Tab need no script: only that column's cells are inputs.
// Each cell's 缺考 box (for touch screens, whose number pad cannot type "absent") and its score exclude each other:
// ticking it shows "absent" in the cell, typing a score unticks it, unticking it empties a cell that said "absent".
(function () {
  var form = document.getElementById("score-sheet");
  if (!form) { return; }
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input.score-input"));
  var ABSENT_WORDS = ["absent", "abs", "缺考", "缺"];
  function isAbsentWord(text, label) {
    var word = text.trim().toLowerCase();
    return word === label.toLowerCase() || ABSENT_WORDS.indexOf(word) >= 0;
  }
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
    var box = document.getElementById(input.id.replace(/^score-/, "absent-"));
    if (!box) { return; }
    var label = box.getAttribute("data-absent-label") || "absent";
    box.addEventListener("change", function () {
      if (box.checked) {
        input.value = label;
      } else if (isAbsentWord(input.value, label)) {
        input.value = "";
      }
    });
    input.addEventListener("input", function () {
      var typed = input.value.trim();
      if (typed && !isAbsentWord(typed, label)) { box.checked = false; }
      else if (typed && isAbsentWord(typed, label)) { box.checked = true; }
    });
  });
})();
