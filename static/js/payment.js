// Stripe's Payment Element on the payment page. The keys arrive in data-
// attributes because the Content-Security-Policy forbids inline scripts.
(() => {
  const form = document.querySelector("[data-stripe-payment]");
  if (!form) {
    return;
  }
  const button = form.querySelector("#payment-submit");
  const message = form.querySelector("#payment-message");
  const showMessage = (text) => {
    message.textContent = text;
    message.hidden = false;
  };
  if (typeof window.Stripe !== "function") {
    showMessage("The card form could not load. Check your connection and reload the page.");
    return;
  }
  const stripe = window.Stripe(form.dataset.publishableKey);
  const elements = stripe.elements({ clientSecret: form.dataset.clientSecret });
  const paymentElement = elements.create("payment");
  paymentElement.on("ready", () => {
    const loading = form.querySelector(".payment-loading");
    if (loading) {
      loading.remove();
    }
    button.disabled = false;
  });
  paymentElement.mount("#payment-element");

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    message.hidden = true;
    // On success Stripe sends the shopper to return_url, the order page,
    // which asks Stripe for the outcome; only errors come back here.
    const { error } = await stripe.confirmPayment({
      elements,
      confirmParams: { return_url: form.dataset.returnUrl },
    });
    if (error) {
      showMessage(error.message || "The payment did not go through. Please try again.");
      button.disabled = false;
    }
  });
})();
