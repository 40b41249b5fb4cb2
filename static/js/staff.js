/* Staff pages: marks the page as scripted before it is drawn, so the navigation may collapse behind its
   toggle button (without JavaScript it stays open, see app.css); and lets keyboard users reach a table
   that scrolls inside its container (a focusable region, named after its caption or section heading). */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function label(box) {
    var caption = box.querySelector("caption");
    var section = box.closest("section");
    var heading = section && section.querySelector("h2, h3");
    return (caption || heading || {}).textContent || "";
  }

  function markScrolling() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        if (!box.hasAttribute("aria-label")) { box.setAttribute("aria-label", label(box).trim()); }
      } else if (box.getAttribute("role") === "region") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
      }
    });
  }

  document.addEventListener("DOMContentLoaded", markScrolling);
  window.addEventListener("resize", markScrolling);
})();
