// Week grid keys: arrow keys move between the cells (a cell's text is one short word, so left/right move at
// once); Tab / Shift+Tab need no script. An "all present" box fills that session's blank cells with 1 on screen
// (the server also counts blank cells of a ticked session as present, so the page works without this script).
(function () {
  var form = document.getElementById("week-grid");
  if (!form) { return; }
  var cells = {};
  form.querySelectorAll("input.grid-cell").forEach(function (input) {
    cells[input.dataset.row + ":" + input.dataset.col] = input;
    input.addEventListener("focus", function () { input.select(); });
    input.addEventListener("keydown", function (event) {
      if (event.isComposing || event.altKey || event.ctrlKey || event.metaKey) { return; }
      var moves = {ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1], Enter: [1, 0]};
      var move = moves[event.key];
      if (!move) { return; }
      event.preventDefault();
      var row = Number(input.dataset.row), col = Number(input.dataset.col);
      for (var step = 1; step < 200; step++) {
        var next = cells[(row + move[0] * step) + ":" + (col + move[1] * step)];
        if (next) { next.focus(); return; }
        if (row + move[0] * step < 0 || col + move[1] * step < 0) { return; }
      }
    });
  });
  form.querySelectorAll("input[name^='all-']").forEach(function (box) {
    box.addEventListener("change", function () {
      if (!box.checked) { return; }
      var session = box.name.slice(4);
      form.querySelectorAll("input[name^='c-" + session + "-']").forEach(function (input) {
        if (!input.value.trim()) { input.value = "1"; }
      });
    });
  });
})();
