// Progressive enhancement only: every page works without this file.
// Copy buttons put a citation on the clipboard and show what was copied.
(function () {
  "use strict";

  function showCopied(text) {
    var output = document.getElementById("copied");
    if (!output) { return; }
    output.textContent = text;
    output.parentElement.hidden = false;
  }

  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var source = document.getElementById(button.getAttribute("data-copy"));
      var text = source ? source.textContent.trim() : "";
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(function () { showCopied(text); }, function () { showCopied(text); });
      } else {
        showCopied(text);
      }
    });
  });

  // A link to a passage of the report (/report?start=&end=) opens at the passage.
  var passage = document.getElementById("passage");
  if (passage && !window.location.hash) {
    passage.scrollIntoView({ block: "center" });
  }
})();
