/* Kiosk tablets only: a form left untouched for FORM_KIOSK_IDLE_SECONDS returns to a fresh empty form in
   Indonesian, so the next visitor never sees someone else's half-answers. Without JavaScript the
   thank-you page's meta refresh still returns the kiosk to an empty form after each response. */
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="kiosk-idle"]');
  if (!meta) { return; }
  var seconds = parseInt(meta.getAttribute("content"), 10);
  var fresh = meta.getAttribute("data-fresh");
  if (!(seconds > 0) || !fresh) { return; }
  var timer = null;
  function reset() { window.location.replace(fresh); }
  function touched() {
    if (timer !== null) { window.clearTimeout(timer); }
    timer = window.setTimeout(reset, seconds * 1000);
  }
  ["pointerdown", "keydown", "input", "change", "scroll", "touchstart"].forEach(function (name) {
    window.addEventListener(name, touched, {passive: true, capture: true});
  });
  touched();
}());
