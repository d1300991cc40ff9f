// Listings: a changed sort or rating applies at once. Without this file the
// "Apply" button does the same.
document.querySelectorAll("#listing-filters select").forEach((select) => {
  select.addEventListener("change", () => select.form.requestSubmit());
});
document.documentElement.classList.add("js-listing");
