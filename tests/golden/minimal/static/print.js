// The « Imprimer » button of a printable portfolio (personnes/<slug>/imprimer/).
// Without scripts the button stays hidden and the browser's own menu prints the page.
for (const button of document.querySelectorAll("button[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
