// Small progressive enhancements; every page works without this file.
document.addEventListener("submit", (event) => {
  const form = event.target;
  // A form asks before it does something that cannot be undone.
  if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    return;
  }
  // One click places one order: the button is disabled once the form is sent.
  // `form.elements` also holds buttons joined to the form by form="...".
  if (form.dataset.once !== undefined) {
    Array.from(form.elements).forEach((element) => {
      if (element.type === "submit") {
        element.disabled = true;
      }
    });
  }
});

// The cart's ADD and "− qty +" forms change the cart without a reload: the
// form is sent with fetch, the server answers JSON with the control's new
// HTML, and the header follows. Any failure falls back to the plain form.
(() => {
  const CART_PATHS = ["/cart/add/", "/cart/set/"];
  if (!window.fetch || !window.FormData) {
    return;
  }

  const announce = (text) => {
    let region = document.querySelector("[data-cart-announcer]");
    if (!region) {
      region = document.createElement("div");
      region.className = "messages";
      region.setAttribute("role", "status");
      region.setAttribute("aria-live", "polite");
      region.dataset.cartAnnouncer = "";
      // In the sticky header, where the page's own messages are.
      document.querySelector(".site-header").appendChild(region);
    }
    region.replaceChildren();
    if (text) {
      const message = document.createElement("p");
      message.className = "message message-warning";
      message.textContent = text;
      region.appendChild(message);
    }
  };

  const updateHeader = (cart) => {
    const button = document.querySelector("[data-cart-button]");
    if (button) {
      const label = document.createElement("span");
      if (cart.count) {
        const count = document.createElement("span");
        count.dataset.cartCount = "";
        count.textContent = String(cart.count);
        const total = document.createElement("strong");
        total.dataset.cartTotal = "";
        total.textContent = cart.subtotal_display;
        label.append(count, ` item${cart.count === 1 ? "" : "s"}`);
        label.appendChild(document.createElement("br"));
        label.appendChild(total);
      } else {
        label.textContent = "My cart";
      }
      const icon = button.querySelector(".cart-icon");
      button.replaceChildren(...(icon ? [icon, label] : [label]));
    }
    updateCartBar(cart);
  };

  // The phone's sticky cart bar: there from the first ADD, gone when empty.
  // Pages that have a bar of their own (the cart) leave no [data-cart-bar-slot].
  const updateCartBar = (cart) => {
    let bar = document.querySelector("[data-cart-bar]");
    const slot = document.querySelector("[data-cart-bar-slot]");
    if (!cart.count) {
      if (bar) {
        bar.remove();
      }
      return;
    }
    if (!bar) {
      if (!slot) {
        return;
      }
      bar = document.createElement("a");
      bar.className = "cart-bar";
      bar.href = slot.dataset.cartBarSlot;
      bar.dataset.cartBar = "";
      const summary = document.createElement("span");
      const action = document.createElement("strong");
      action.textContent = "View cart ›";
      bar.append(summary, action);
      slot.appendChild(bar);
    }
    const items = `${cart.count} item${cart.count === 1 ? "" : "s"}`;
    bar.querySelector("span").textContent = `${items} · ${cart.subtotal_display}`;
  };

  // The cart page's lines and bill depend on every line: fetch it again.
  const refreshCartPage = async () => {
    const region = document.querySelector("[data-cart-page]");
    if (!region) {
      return;
    }
    const response = await fetch(window.location.pathname, {
      credentials: "same-origin",
      headers: { Accept: "text/html" },
    });
    if (!response.ok) {
      return;
    }
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.querySelector("[data-cart-page]");
    if (fresh) {
      region.replaceWith(document.adoptNode(fresh));
    }
  };

  const focusAfter = (control, clicked) => {
    const buttons = control.querySelectorAll("button");
    if (!buttons.length) {
      return;
    }
    // Keep the focus on the button that was pressed, or its nearest match.
    const wanted = clicked && clicked.textContent.trim();
    const same = Array.from(buttons).find((b) => b.textContent.trim() === wanted);
    (same || buttons[buttons.length - 1]).focus();
  };

  document.addEventListener("submit", async (event) => {
    const form = event.target;
    const control = form.closest("[data-cart-control]");
    if (!control || event.defaultPrevented) {
      return;
    }
    const path = new URL(form.action, window.location.href).pathname;
    if (!CART_PATHS.includes(path)) {
      return;
    }
    event.preventDefault();
    // A second tap while the first is on its way would post the old quantity.
    if (control.getAttribute("aria-busy") === "true") {
      return;
    }
    const clicked = event.submitter || form.querySelector("button");
    const hadFocus = control.contains(document.activeElement);
    const variant = control.dataset.variant;
    control.setAttribute("aria-busy", "true");
    const buttons = Array.from(control.querySelectorAll("button"));
    buttons.forEach((button) => {
      button.disabled = true;
    });
    let response;
    let data;
    try {
      response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      data = await response.json();
    } catch (error) {
      // No answer we understand: the plain form shows the server's own page.
      form.submit();
      return;
    }
    control.removeAttribute("aria-busy");
    buttons.forEach((button) => {
      button.disabled = false;
    });
    if (!response.ok) {
      // Refused (sold out, gone, bad quantity): say why and keep the control.
      announce(data.detail || "That did not work; please try again.");
      return;
    }
    const template = document.createElement("template");
    template.innerHTML = data.control_html.trim();
    const fresh = template.content.firstElementChild;
    control.replaceWith(fresh);
    updateHeader(data.cart);
    announce(data.message);
    await refreshCartPage();
    if (hadFocus) {
      const selector = `[data-cart-control][data-variant="${CSS.escape(variant)}"]`;
      const current = document.querySelector(selector);
      if (current) {
        focusAfter(current, clicked);
      } else {
        const heading = document.querySelector("main h1");
        if (heading) {
          heading.setAttribute("tabindex", "-1");
          heading.focus();
        }
      }
    }
  });
})();

// A "Show password" button beside each password field, so a shopper on a
// phone can check what they typed. Without JavaScript the field stays hidden.
document.querySelectorAll("input[type=password]").forEach((input) => {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "password-toggle";
  button.setAttribute("aria-pressed", "false");
  if (input.id) {
    button.setAttribute("aria-controls", input.id);
  }
  const word = document.createElement("span");
  word.textContent = "Show";
  const hidden = document.createElement("span");
  hidden.className = "visually-hidden";
  hidden.textContent = " password";
  button.append(word, hidden);
  button.addEventListener("click", () => {
    const showing = input.type === "text";
    input.type = showing ? "password" : "text";
    word.textContent = showing ? "Show" : "Hide";
    button.setAttribute("aria-pressed", String(!showing));
  });
  const wrap = document.createElement("span");
  wrap.className = "password-field";
  input.replaceWith(wrap);
  wrap.append(input, button);
});
