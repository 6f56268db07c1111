// Copy buttons of the Integrations page; the value is also selected, for browsers without clipboard access.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button) {
    return;
  }
  const value = document.getElementById(button.dataset.copy);
  const selection = window.getSelection();
  selection.selectAllChildren(value);
  try {
    await navigator.clipboard.writeText(value.textContent);
  } catch (e) {
    document.execCommand("copy");
  }
  const live = document.getElementById("poclab-live");
  if (live) {
    live.textContent = button.getAttribute("aria-label") + " \u2713";
  }
});
