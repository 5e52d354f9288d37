/* copy.js: the « Copier » buttons beside read-only links (the verification link of award pages).
 *
 * Without JavaScript the button stays hidden and the link is plain text in a read-only
 * field, which can be selected and copied by hand. With it, the button appears and copies
 * the link with the Clipboard API, then says so in a status line (read by screen readers).
 * Markup: <button data-copy="FIELD-ID" data-status="STATUS-ID" data-copied="…" data-failed="…" hidden>.
 */
"use strict";

(function () {
  for (const button of document.querySelectorAll("button[data-copy]")) {
    const field = document.getElementById(button.dataset.copy);
    const status = document.getElementById(button.dataset.status);
    if (!field || !status) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      field.select(); // visible feedback, and ready for Ctrl+C if the copy below is refused
      try {
        await navigator.clipboard.writeText(field.value);
        status.textContent = button.dataset.copied;
      } catch (error) {
        status.textContent = button.dataset.failed;
      }
    });
    // A click in the field selects the whole link.
    field.addEventListener("focus", () => field.select());
  }
})();
