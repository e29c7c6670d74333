// The classroom sign-in page: a new QR code every 30 seconds and the live count (no inline script: CSP).
// Without JavaScript the page is still whole: the code shown and a reload link.
(function () {
  var board = document.getElementById("sign-in-board");
  if (!board) { return; }
  var img = document.getElementById("sign-in-qr");
  var count = document.getElementById("sign-in-count");
  function poll() {
    fetch(board.dataset.countUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (figure) {
        count.textContent = count.textContent.replace(/\d+\s*\/\s*\d+/, figure.signed + " / " + figure.expected);
        if (figure.state !== board.dataset.state) { window.location.reload(); }  // the window opened or closed
      })
      .catch(function () {})
      .then(function () { setTimeout(poll, 3000); });
  }
  function rotate(seconds) {
    // a little after the server's step changes, so the new image is the new code
    setTimeout(function () {
      if (img) { img.src = board.dataset.qrUrl + "?t=" + Date.now(); }
      rotate(30);
    }, seconds * 1000 + 300);
  }
  rotate(parseInt(board.dataset.nextIn, 10) || 30);
  setTimeout(poll, 3000);
})();
