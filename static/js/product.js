// Product page: choosing a pack size updates the price, MRP, discount, pack
// label and stock in place. Without this file each pack size is a link to the
// same page with ?variant=, which the server renders the same way.
(() => {
  const headline = document.querySelector("[data-headline]");
  const input = document.querySelector("[data-variant-input]");
  if (!headline) {
    return;
  }
  const show = (element, text) => {
    if (element) {
      element.textContent = text;
    }
  };
  const choose = (link) => {
    const data = link.dataset;
    show(headline.querySelector("[data-price]"), data.price);
    const mrp = headline.querySelector("[data-mrp]");
    mrp.hidden = !data.mrp;
    show(headline.querySelector("[data-mrp-amount]"), data.mrp);
    const discount = headline.querySelector("[data-discount]");
    discount.hidden = data.discount === "0";
    show(discount, `${data.discount}% OFF`);
    show(headline.querySelector("[data-pack]"), data.label);
    show(headline.querySelector("[data-unit-price]"), data.unitPrice);
    const stock = document.querySelector("[data-stock-state]");
    if (stock) {
      stock.textContent = data.stock;
      stock.className = `stock-state ${data.stockClass}`;
    }
    const button = document.querySelector("[data-buy-button]");
    if (button) {
      button.disabled = data.stockClass === "stock-out";
    }
    if (input) {
      input.value = data.variantLink;
    }
    document.querySelectorAll("[data-variant-link]").forEach((other) => {
      if (other === link) {
        other.setAttribute("aria-current", "true");
      } else {
        other.removeAttribute("aria-current");
      }
    });
    const url = new URL(link.href, window.location.href);
    window.history.replaceState(null, "", url.pathname + url.search);
    const next = document.querySelector("[data-buy-form] input[name=next]");
    if (next) {
      next.value = url.pathname + url.search;
    }
  };
  document.addEventListener("click", (event) => {
    const link = event.target.closest("[data-variant-link]");
    if (!link || event.metaKey || event.ctrlKey || event.shiftKey) {
      return;
    }
    event.preventDefault();
    choose(link);
  });
})();
