// Small progressive enhancements; every page works without this file.
document.addEventListener("submit", (event) => {
  const form = event.target;
  // A form asks before it does something that cannot be undone.
  if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    return;
  }
  // One click places one order: the button is disabled once the form is sent.
  if (form.dataset.once !== undefined) {
    form.querySelectorAll("button[type=submit]").forEach((button) => {
      button.disabled = true;
    });
  }
});
