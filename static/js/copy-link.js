/* The access point page: a "copy the form address" button (shown only when a script can copy). */
(function () {
  "use strict";
  var button = document.getElementById("copy-url");
  var status = document.getElementById("copy-status");
  if (!button || !navigator.clipboard) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(button.getAttribute("data-copy")).then(function () {
      status.textContent = button.getAttribute("data-copied");
    }, function () {
      status.textContent = button.getAttribute("data-failed");
    });
  });
}());
