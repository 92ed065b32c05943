// Optional drawn signature: the only script on the site. Without it the
// form still works (typed name only); with it a PNG data URL goes into the
// hidden "drawing" field.
(function () {
  "use strict";
  var box = document.querySelector("[data-draw]");
  if (!box) return;
  var canvas = box.querySelector("canvas");
  var field = box.querySelector('input[name="drawing"]');
  var clear = box.querySelector("[data-clear]");
  var ctx = canvas.getContext("2d");
  if (!ctx) return;
  box.hidden = false;
  ctx.lineWidth = 3;
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  ctx.strokeStyle = "#1d2a6b";
  var drawing = false, dirty = false;
  function pos(e) {
    var r = canvas.getBoundingClientRect();
    return { x: (e.clientX - r.left) * canvas.width / r.width, y: (e.clientY - r.top) * canvas.height / r.height };
  }
  canvas.addEventListener("pointerdown", function (e) {
    drawing = true; canvas.setPointerCapture(e.pointerId);
    var p = pos(e); ctx.beginPath(); ctx.moveTo(p.x, p.y); e.preventDefault();
  });
  canvas.addEventListener("pointermove", function (e) {
    if (!drawing) return;
    var p = pos(e); ctx.lineTo(p.x, p.y); ctx.stroke(); dirty = true; e.preventDefault();
  });
  function end() { if (drawing) { drawing = false; if (dirty) field.value = canvas.toDataURL("image/png"); } }
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  clear.addEventListener("click", function () {
    ctx.clearRect(0, 0, canvas.width, canvas.height); field.value = ""; dirty = false;
  });
})();
